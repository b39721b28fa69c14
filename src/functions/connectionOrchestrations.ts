// Durable registrations of the connection operations: orchestrators, their activities, and the per-source lock entity.
import * as df from "durable-functions";
import { appRuntime } from "../app/runtime.js";
import type { ConnectionActivities } from "../activities/connectionActivities.js";
import { createOrUpdateOrchestrator } from "../orchestrations/createOrUpdate.js";
import { deleteOrchestrator } from "../orchestrations/delete.js";
import { Activities, Orchestrators, SOURCE_LOCK_ENTITY } from "../orchestrations/names.js";
import { validateOrchestrator } from "../orchestrations/validate.js";

df.app.orchestration(Orchestrators.createOrUpdate, createOrUpdateOrchestrator);
df.app.orchestration(Orchestrators.delete, deleteOrchestrator);
df.app.orchestration(Orchestrators.validate, validateOrchestrator);

for (const [key, name] of Object.entries(Activities) as [keyof ConnectionActivities, string][]) {
  df.app.activity(name, {
    handler: async (input: unknown) => {
      const activities = await appRuntime().activities();
      return (activities[key] as (x: unknown) => Promise<unknown>)(input);
    },
  });
}

// Only ever locked (context.df.lock); it holds no state and takes no operations.
df.app.entity(SOURCE_LOCK_ENTITY, (context) => {
  throw new Error(`${SOURCE_LOCK_ENTITY} takes no operations (got '${context.df.operationName}'); it exists to be locked.`);
});
