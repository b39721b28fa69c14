// Reads for the Functions-bindings check: for each source in the plan that Resource Graph lists as a function app
// (kind contains "functionapp"), its functions (webApps.listFunctions / listInstanceFunctionsSlot, paged) and — when
// no connection step read them already — its app settings. Runs after the Graph and settings reads.
import type { FunctionBinding, FunctionBindings } from "../catalogue/bindings.js";
import { parseResourceId } from "../azure/resourceId.js";
import { sourceAdapterFor } from "../sources/index.js";
import type { CallStats, CollectOptions } from "./collect.js";
import type { ReadPlan } from "./readPlan.js";
import { mapBounded } from "../concurrency/mapBounded.js";
import { existenceId, failedRead, settingsKey, type HealthSnapshot } from "./snapshot.js";


/** A FunctionEnvelope (name "app/fn", config = function.json) as name + bindings. */
export function toFunctionBindings(envelope: { name?: string; config?: Record<string, unknown> }): FunctionBindings {
  const bindings = Array.isArray(envelope.config?.["bindings"]) ? (envelope.config!["bindings"] as FunctionBinding[]) : [];
  return { name: (envelope.name ?? "").split("/").pop() ?? "", bindings: bindings.filter((b) => b && typeof b.type === "string") };
}

export async function readFunctionApps(plan: ReadPlan, o: CollectOptions, snap: HealthSnapshot, stats: CallStats): Promise<void> {
  const apps = plan.bindingSources.filter((id) => {
    const row = snap.resources.get(existenceId(id));
    return row?.ok && row.value && /functionapp/i.test(row.value.kind ?? "");
  });
  await mapBounded(apps, o.concurrency ?? 16, async (sourceId) => {
    const p = parseResourceId(sourceId);
    if (!p) return;
    const webApps = o.clients.webApps(p.subscriptionId).webApps;
    const slot = p.fullType.toLowerCase() === "microsoft.web/sites/slots" ? p.names[1] : undefined;
    const key = settingsKey(sourceId);
    await Promise.all([
      (async () => {
        try {
          const functions = await o.budget.run("functions", async () => {
            const out: FunctionBindings[] = [];
            const pages = slot ? webApps.listInstanceFunctionsSlot(p.resourceGroup, p.names[0]!, slot).byPage() : webApps.listFunctions(p.resourceGroup, p.names[0]!).byPage();
            for (let i = 0; i < 1000; i++) {
              stats.functionListings++;
              const next = await pages.next();
              if (next.done) break;
              out.push(...next.value.map(toFunctionBindings));
            }
            return out;
          });
          snap.functionBindings.set(existenceId(sourceId), { ok: true, value: functions });
        } catch (e) {
          snap.functionBindings.set(existenceId(sourceId), failedRead(e));
        }
      })(),
      (async () => {
        if (snap.settings.has(key)) return;
        try {
          const value = await o.budget.run("settings", () => {
            stats.settingsReads++;
            return sourceAdapterFor(o.clients, sourceId).readSettings();
          });
          snap.settings.set(key, { ok: true, value });
        } catch (e) {
          snap.settings.set(key, failedRead(e));
        }
      })(),
    ]);
  });
}
