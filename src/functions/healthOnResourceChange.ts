// Resource-change reactions (issue 6 §4): Event Grid (subscription system topic, Resource{Write,Delete,Action}Success)
// delivered to the webhook, or the same events delivered to the storage queue `health-events`. Both go to one
// debounced reactor per worker, which revalidates only the connections depending on the changed resources and,
// where the connection's auto-heal policy says so, re-runs the create orchestration through the Durable client.
import { app, type EventGridEvent, type InvocationContext } from "@azure/functions";
import * as df from "durable-functions";
import { HEALTH_EVENTS_QUEUE, type StartCreateOrUpdate } from "../app/healthRuntime.js";
import { appRuntime } from "../app/runtime.js";
import { durableOrchestrations } from "../orchestrations/client.js";

function starterOf(context: InvocationContext): StartCreateOrUpdate {
  return (input) => durableOrchestrations(df.getClient(context)).startCreateOrUpdate(input);
}

async function react(body: unknown, context: InvocationContext): Promise<void> {
  const accepted = await (await appRuntime().health()).react(body, starterOf(context));
  context.log(`health: ${accepted} resource event(s) handled`);
}

export async function healthOnResourceChange(event: EventGridEvent, context: InvocationContext): Promise<void> {
  await react(event, context);
}

export async function healthOnResourceChangeQueue(message: unknown, context: InvocationContext): Promise<void> {
  await react(message, context);
}

app.eventGrid("healthOnResourceChange", { extraInputs: [df.input.durableClient()], handler: healthOnResourceChange });
app.storageQueue("healthOnResourceChangeQueue", {
  queueName: HEALTH_EVENTS_QUEUE, connection: "AzureWebJobsStorage", extraInputs: [df.input.durableClient()], handler: healthOnResourceChangeQueue,
});
