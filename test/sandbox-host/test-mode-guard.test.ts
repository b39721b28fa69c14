// If the app's library already decided it runs without a worker (a registration before the seam), the host says so.
import { describe, expect, it, vi } from "vitest";
import { startFunctionHost, silentLogger } from "../../sandbox/host/index.js";
import { NON_DURABLE_ENTRY, sampleAppDir } from "./sample-app.js";

describe("library already in test mode", () => {
  it("fails startup with a clear message instead of serving zero functions", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { app } = await import("@azure/functions");
    app.http("tooEarly", { handler: async () => ({}) }); // no core module yet: the library caches "test mode"
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('Skipping call to register function "tooEarly"'));
    warn.mockRestore();
    await expect(startFunctionHost({ appDir: sampleAppDir, entry: NON_DURABLE_ENTRY, logger: silentLogger, listeners: { timers: false, queues: false } })).rejects.toThrow(
      /"@azure\/functions" \(.*\) is already in test mode/,
    );
  });
});
