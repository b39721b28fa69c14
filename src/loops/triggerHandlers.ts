// What the loop-scan triggers do once bound and parsed (src/functions/loopScan*.ts stay thin): the timer scans
// every configured subscription; a site-change event rescans just the app it names.
import type { LoopScanReport, LoopScanService } from "./service.js";
import { siteChangeOf } from "./siteEvents.js";

export type Log = (message: string) => void;

/** The scan service and the subscriptions the timer scans (the runtime, src/app/loopRuntime.ts). */
export interface LoopScanRunner {
  settings: { subscriptions: string[] };
  service: LoopScanService;
}

function summary(report: LoopScanReport): string {
  return `${report.stats.scannedApps.length} app(s), ${report.findings.length} finding(s) (${report.posted.length} new), ` +
    `${report.suppressed.length} suppressed, ${report.stats.problems.length} problem(s), ${report.stats.missingApps.length} missing`;
}

export async function runScheduledLoopScan(runtime: LoopScanRunner, log: Log): Promise<LoopScanReport[]> {
  const { subscriptions } = runtime.settings;
  if (subscriptions.length === 0) {
    throw new Error("No subscription to scan for loops: set LINKWRIGHT_LOOP_SCAN_SUBSCRIPTIONS (WEBSITE_OWNER_NAME was not usable either).");
  }
  const reports: LoopScanReport[] = [];
  const failures: unknown[] = [];
  for (const subscriptionId of subscriptions) {
    try {
      const report = await runtime.service.scan({ subscriptionId });
      log(`Loop scan of subscription ${subscriptionId}: ${summary(report)}`);
      for (const p of report.stats.problems) log(`Loop scan: ${p.appId}: ${p.code}: ${p.message}`);
      reports.push(report);
    } catch (error) {
      log(`Loop scan of subscription ${subscriptionId} failed: ${error instanceof Error ? error.message : String(error)}`);
      failures.push(error);
    }
  }
  // One subscription failing does not stop the others; the run still fails, so the host records it.
  if (failures.length > 0) throw new AggregateError(failures, `loop scan failed for ${failures.length} of ${subscriptions.length} subscription(s)`);
  return reports;
}

/** Rescans the app an ARM change event is about; undefined when the event does not concern a function app. */
export async function rescanForSiteChange(runtime: LoopScanRunner, event: unknown, log: Log): Promise<LoopScanReport | undefined> {
  const change = siteChangeOf(event);
  if ("ignored" in change) {
    log(`Loop rescan skipped: ${change.ignored}`);
    return undefined;
  }
  const report = await runtime.service.scan({ appIds: [change.appId] });
  log(`Loop rescan of ${change.appId} after ${change.eventType} on ${change.resourceId}: ${summary(report)}`);
  return report;
}
