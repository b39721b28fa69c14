// Rescan one function app when it changes: Event Grid (subscription system topic, ResourceWriteSuccess /
// ResourceDeleteSuccess on Microsoft.Web/sites, …/config/appsettings, …/functions) delivered to the webhook, or the
// same events delivered to the storage queue `loop-scan-events`. Bind → parse → delegate.
import { app, type EventGridEvent, type InvocationContext } from "@azure/functions";
import { appRuntime } from "../app/runtime.js";
import { rescanForSiteChange } from "../loops/triggerHandlers.js";

export const LOOP_SCAN_EVENTS_QUEUE = "loop-scan-events";

export async function loopScanOnSiteChange(event: EventGridEvent, context: InvocationContext): Promise<void> {
  await rescanForSiteChange(await appRuntime().loops(), event, (m) => context.log(m));
}

export async function loopScanOnSiteChangeQueue(message: unknown, context: InvocationContext): Promise<void> {
  await rescanForSiteChange(await appRuntime().loops(), message, (m) => context.log(m));
}

app.eventGrid("loopScanOnSiteChange", { handler: loopScanOnSiteChange });
app.storageQueue("loopScanOnSiteChangeQueue", { queueName: LOOP_SCAN_EVENTS_QUEUE, connection: "AzureWebJobsStorage", handler: loopScanOnSiteChangeQueue });
