// Durable registrations of the connection operations: orchestrators, their activities, and the per-source lock entity.
import * as df from "durable-functions";
import { connectionActivitiesFromSettings } from "../activities/deps.js";
import { createOrUpdateOrchestrator } from "../orchestrations/createOrUpdate.js";
import { deleteOrchestrator } from "../orchestrations/delete.js";
import { Activities, Orchestrators, SOURCE_LOCK_ENTITY } from "../orchestrations/names.js";
import { validateOrchestrator } from "../orchestrations/validate.js";

df.app.orchestration(Orchestrators.createOrUpdate, createOrUpdateOrchestrator);
df.app.orchestration(Orchestrators.delete, deleteOrchestrator);
df.app.orchestration(Orchestrators.validate, validateOrchestrator);

type Acts = Awaited<ReturnType<typeof connectionActivitiesFromSettings>>;
const activity = <K extends keyof Acts>(name: string, key: K) =>
  df.app.activity(name, {
    handler: async (input: Parameters<Acts[K]>[0]) => {
      const acts = await connectionActivitiesFromSettings();
      return (acts[key] as (x: typeof input) => Promise<unknown>)(input);
    },
  });

activity(Activities.plan, "plan");
activity(Activities.runStep, "runStep");
activity(Activities.compensateStep, "compensateStep");
activity(Activities.planDelete, "planDelete");
activity(Activities.planObsolete, "planObsolete");
activity(Activities.validate, "validate");
activity(Activities.record, "record");

// Only ever locked (context.df.lock); it holds no state and takes no operations.
df.app.entity(SOURCE_LOCK_ENTITY, (context) => {
  throw new Error(`${SOURCE_LOCK_ENTITY} takes no operations (got '${context.df.operationName}'); it exists to be locked.`);
});
