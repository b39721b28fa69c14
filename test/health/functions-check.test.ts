// The "Functions bindings" item over a snapshot (pure): no item without a listing, inconclusive when a read failed,
// success when every connection resolves, a warning naming the binding and the catalogue's fix otherwise.
import { describe, expect, it } from "vitest";
import { checkFunctionBindings } from "../../src/health/functionsCheck.js";
import { toFunctionBindings } from "../../src/health/collectFunctions.js";
import { emptySnapshot, existenceId, settingsKey } from "../../src/health/snapshot.js";

const APP = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/func";
const fn = toFunctionBindings({ name: "func/Resize", config: { bindings: [{ name: "image", type: "blobTrigger", direction: "in", connection: "Images" }, { type: "http" }] } });

describe("checkFunctionBindings", () => {
  it("reads function envelopes into name + bindings", () => {
    expect(fn).toEqual({ name: "Resize", bindings: [{ name: "image", type: "blobTrigger", direction: "in", connection: "Images" }, { type: "http" }] });
    expect(toFunctionBindings({ name: "f/NoConfig" })).toEqual({ name: "NoConfig", bindings: [] });
  });

  it("gives no item for a source that is not a function app, inconclusive when a read failed", () => {
    const snap = emptySnapshot();
    expect(checkFunctionBindings(snap, APP)).toBeUndefined();
    snap.functionBindings.set(existenceId(APP), { ok: false, error: "429: throttled" });
    expect(checkFunctionBindings(snap, APP)).toMatchObject({ result: "warning", errorCode: "CheckInconclusive", errorMessage: "Could not be checked now: 429: throttled" });
    snap.functionBindings.set(existenceId(APP), { ok: true, value: [fn] });
    expect(checkFunctionBindings(snap, APP)).toMatchObject({ errorCode: "CheckInconclusive" });
  });

  it("warns with the fix for an unresolved connection and succeeds once the identity-based settings are complete", () => {
    const snap = emptySnapshot();
    snap.functionBindings.set(existenceId(APP), { ok: true, value: [fn] });
    snap.settings.set(settingsKey(APP), { ok: true, value: { Images__blobServiceUri: "https://acct.blob.core.windows.net" } });
    const warning = checkFunctionBindings(snap, APP)!;
    expect(warning).toMatchObject({ name: "Functions bindings", result: "warning", errorCode: "FunctionsBindingUnresolved" });
    expect(warning.errorMessage).toContain("Resize/image (blobTrigger, connection 'Images')");
    expect(warning.errorMessage).toContain("Fix: add app setting Images__queueServiceUri=https://acct.queue.core.windows.net.");
    snap.settings.set(settingsKey(APP), { ok: true, value: { Images__blobServiceUri: "https://acct.blob.core.windows.net", Images__queueServiceUri: "https://acct.queue.core.windows.net" } });
    expect(checkFunctionBindings(snap, APP)).toMatchObject({ result: "success", description: expect.stringContaining("Resize (image, http)") });
  });
});
