/**
 * One loop scan end to end: scan (ARM) → per-app health records → a queue message for each finding not reported
 * before → forget reported findings that a scan covering all their apps no longer finds (so a regression is
 * reported again). Used by the timer, the Event Grid / queue triggers and the API.
 */
import type { ArmClients } from "../azure/clients.js";
import type { LinkerRepository } from "../store/types.js";
import { mapBounded } from "../concurrency/mapBounded.js";
import type { LoopFindingsStore, LoopHealthRecord } from "./findingsStore.js";
import type { AllowListEntry, LoopFinding } from "./model.js";
import { loopMessage, type LoopPublisher } from "./notify.js";
import { scanLoops, type LoopScanResult, type LoopScanScope } from "./scan.js";

export interface LoopServiceDeps {
  clients: ArmClients;
  linkers?: LinkerRepository;
  store: LoopFindingsStore;
  publisher: LoopPublisher;
  /** linkwright's own LINKWRIGHT_LOOP_ALLOWLIST. */
  allowList: AllowListEntry[];
  clock: () => Date;
  concurrency?: number;
}

export interface LoopScanReport extends LoopScanResult {
  checkedAt: string;
  /** Ids of the findings posted to the queue by this run (new ones only). */
  posted: string[];
}

export interface LoopScanService {
  scan(scope: LoopScanScope): Promise<LoopScanReport>;
  /** The app's last recorded findings (undefined: never scanned). */
  healthOf(appId: string): Promise<LoopHealthRecord | undefined>;
}

const involves = (finding: LoopFinding, appKey: string) => finding.members.some((m) => m.appId.toLowerCase() === appKey);

function recordFor(appId: string, result: LoopScanResult, scanned: Set<string>, previous: LoopHealthRecord | undefined, checkedAt: string): LoopHealthRecord {
  const key = appId.toLowerCase();
  const current = result.findings.filter((f) => involves(f, key));
  const ids = new Set(current.map((f) => f.id));
  // A finding that spans apps outside this scan cannot be re-evaluated by it: keep it until a scan covers them all.
  const carried = (previous?.findings ?? []).filter((f) => !ids.has(f.id) && f.members.some((m) => !scanned.has(m.appId.toLowerCase())));
  const findings = [...current, ...carried];
  return {
    appId, checkedAt,
    status: findings.length > 0 ? "Unhealthy" : "Healthy",
    findings,
    suppressedIds: result.suppressed.filter((f) => involves(f, key)).map((f) => f.id),
    findingCount: findings.length,
    truncated: false,
  };
}

export function createLoopScanService(deps: LoopServiceDeps): LoopScanService {
  const concurrency = deps.concurrency ?? 8;
  return {
    healthOf: (appId) => deps.store.getHealth(appId),
    async scan(scope) {
      const result = await scanLoops(scope, {
        clients: deps.clients, allowList: deps.allowList, concurrency,
        ...(deps.linkers ? { linkers: deps.linkers } : {}),
      });
      const checkedAt = deps.clock().toISOString();
      const scanned = new Set(result.stats.scannedApps.map((a) => a.toLowerCase()));
      const covered = new Set([...scanned, ...result.stats.missingApps.map((a) => a.toLowerCase())]);

      await mapBounded(result.stats.scannedApps, concurrency, async (appId) => {
        const previous = await deps.store.getHealth(appId);
        await deps.store.putHealth(recordFor(appId, result, scanned, previous, checkedAt));
      });
      await mapBounded(result.stats.missingApps, concurrency, (appId) => deps.store.deleteHealth(appId));

      const posted: string[] = [];
      const failures: unknown[] = [];
      for (const finding of result.findings) {
        if (!(await deps.store.claim(finding, checkedAt))) continue;
        try {
          await deps.publisher.publish(loopMessage(finding, checkedAt));
          posted.push(finding.id);
        } catch (error) {
          await deps.store.release(finding.id); // retried by the next run
          failures.push(error);
        }
      }
      const active = new Set(result.findings.map((f) => f.id));
      for (const row of await deps.store.reported()) {
        if (!active.has(row.id) && row.appIds.every((a) => covered.has(a.toLowerCase()))) await deps.store.release(row.id);
      }
      if (failures.length > 0) {
        throw new AggregateError(failures, `posting ${failures.length} loop finding(s) to the queue failed; they will be retried by the next scan`);
      }
      return { ...result, checkedAt, posted };
    },
  };
}
