// The "Functions bindings" item of a function-app source (pure): each binding's `connection` must resolve to app
// settings (a connection string, or a complete identity-based `<connection>__*` set); an unresolved one is a
// warning with the exact fix from the catalogue (src/catalogue/bindings.ts). Not a function app, or not asked: no item.
import { unresolvedBindings } from "../catalogue/bindings.js";
import { existenceId, settingsKey, type HealthSnapshot } from "./snapshot.js";
import { CheckNames, INCONCLUSIVE, type CheckResult } from "./types.js";

export function checkFunctionBindings(snap: HealthSnapshot, sourceId: string): CheckResult | undefined {
  const functions = snap.functionBindings.get(existenceId(sourceId));
  if (!functions) return undefined;
  const name = CheckNames.functionsBindings;
  const settings = snap.settings.get(settingsKey(sourceId));
  const unread = !functions.ok ? functions.error : !settings ? "the app settings were not read" : !settings.ok ? settings.error : undefined;
  if (unread !== undefined || !functions.ok || !settings?.ok) {
    return { name, description: "The function app's binding connections resolve to app settings.", result: "warning", errorCode: INCONCLUSIVE, errorMessage: `Could not be checked now: ${unread}` };
  }
  const listed = functions.value.map((f) => `${f.name} (${f.bindings.map((b) => b.name ?? b.type).join(", ")})`).join("; ");
  const description = `Every binding connection of the functions ${listed || "(none)"} resolves to app settings.`;
  const problems = unresolvedBindings(functions.value, settings.value);
  if (!problems.length) return { name, description, result: "success" };
  return {
    name, description, result: "warning", errorCode: "FunctionsBindingUnresolved",
    errorMessage: problems.map((p) => `${p.function}/${p.binding} (${p.bindingType}, connection '${p.connection}'): ${p.reason}. Fix: ${p.fix}.`).join(" "),
  };
}
