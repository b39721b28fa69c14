/**
 * Turns each function's trigger and output bindings (and the app's linkwright connections) into resolved
 * endpoints: resource kind + account + entity + glob, with the reasons any part is uncertain.
 */
import type { FunctionAppInput } from "./model.js";
import { bindingLabel, outputKind, triggerKind } from "./bindings.js";
import { appContext, endpointFor } from "./bindingEndpoints.js";
import { connectionWriter } from "./connectionWriters.js";
import { eventGridTriggers } from "./eventGrid.js";
import type { ResolvedApp, ResolvedFunction, ResolvedTrigger, ResolvedWriter } from "./refs.js";
import { settingsView } from "./settings.js";

export type { Endpoint, ResolvedApp, ResolvedFunction, ResolvedTrigger, ResolvedWriter } from "./refs.js";
export { ANY } from "./refs.js";

export function resolveApp(app: FunctionAppInput): ResolvedApp {
  const ctx = appContext(settingsView(app));
  const functions: ResolvedFunction[] = [];
  for (const fn of app.functions) {
    if (fn.isDisabled) continue;
    const triggers: ResolvedTrigger[] = [];
    const writers: ResolvedWriter[] = [];
    for (const binding of fn.bindings ?? []) {
      const label = bindingLabel(binding);
      const tkind = triggerKind(binding);
      if (tkind === "eventGrid") {
        triggers.push(...eventGridTriggers(fn.name, label, app.eventGridSubscriptions ?? []));
      } else if (tkind) {
        const endpoint = endpointFor(ctx, binding, tkind);
        if (endpoint) triggers.push({ ...endpoint, binding: label });
        continue;
      }
      const okind = outputKind(binding);
      if (okind) {
        const endpoint = endpointFor(ctx, binding, okind);
        if (endpoint) writers.push({ ...endpoint, via: "binding", binding: label });
      }
    }
    functions.push({ appId: app.appId, function: fn.name, triggers, writers });
  }
  const connectionWriters = (app.connections ?? [])
    .map(connectionWriter)
    .filter((w): w is ResolvedWriter => w !== undefined);
  return { appId: app.appId, functions, connectionWriters };
}
