// Checks of a project against its settings, reusing linkwright's own analyses: bindings whose connection resolves to no
// setting (src/catalogue's unresolvedBindings) and trigger/output loops (src/loops' analyzeLoops).
import path from "node:path";
import { unresolvedBindings, type FunctionBindings, type UnresolvedBinding } from "../catalogue/index.js";
import { analyzeLoops, type ArmBinding, type FunctionDefinition, type LoopFinding } from "../loops/index.js";
import { settingKey } from "./localSettings.js";
import type { BindingConnection } from "./model.js";
import type { LocalPlan } from "./plan.js";
import { accountOf } from "./targets.js";

/** Bindings (not the host's own) whose connection local.settings.json `values` does not resolve. */
export function unresolvedProjectBindings(bindings: BindingConnection[], values: Record<string, string>): UnresolvedBinding[] {
  return unresolvedBindings(functionsOf(bindings), values);
}

/**
 * Trigger/output loops within the project: a function writing where its own (or another function's) trigger watches.
 * Connections with a target are resolved to that target's account; the others through `values`.
 */
export function projectLoops(projectDir: string, bindings: BindingConnection[], values: Record<string, string>, plan?: LocalPlan): LoopFinding[] {
  const settings = { ...values };
  for (const c of plan?.connections ?? []) {
    const account = c.targetId ? accountOf(c.targetId) : undefined;
    if (!account) continue;
    // What the host would read once the connection is wired: the target's account, no connection string before it.
    for (const key of Object.keys(settings)) {
      const k = settingKey(key);
      for (const name of [c.connection, `AzureWebJobs${c.connection}`].map(settingKey)) {
        if (k === name || k.startsWith(`${name}__`)) delete settings[key];
      }
    }
    if (account.provider === "storage") settings[`${c.connection}__accountName`] = account.name;
    else if (account.provider === "cosmos") settings[`${c.connection}__accountEndpoint`] = `https://${account.name}.documents.azure.com:443/`;
    else settings[`${c.connection}__fullyQualifiedNamespace`] = `${account.name}.servicebus.windows.net`;
  }
  const functions: FunctionDefinition[] = functionsOf(bindings).map((f) => ({ name: f.name, bindings: f.bindings as ArmBinding[] }));
  const analysis = analyzeLoops([{ appId: `local/${path.basename(projectDir)}`, appSettings: settings, functions }]);
  return analysis.findings;
}

/** The project's functions in function.json form (host-level uses and unattributed declarations left out). */
function functionsOf(bindings: BindingConnection[]): FunctionBindings[] {
  const byFunction = new Map<string, FunctionBindings>();
  for (const b of bindings) {
    if (b.function === "(host)" || b.function === "?" || b.unreadableConnection !== undefined) continue;
    const fn = byFunction.get(b.function) ?? { name: b.function, bindings: [] };
    fn.bindings.push({
      type: b.bindingType,
      direction: b.direction,
      ...(b.bindingName ? { name: b.bindingName } : {}),
      ...(b.declaredConnection && b.connection ? { connection: b.connection } : {}),
      ...b.properties,
    });
    byFunction.set(b.function, fn);
  }
  return [...byFunction.values()];
}
