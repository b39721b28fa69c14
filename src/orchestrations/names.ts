// Names of the durable functions the connection orchestrations use: the one place they are written. Every activity of
// ConnectionActivities has exactly one name here (registered by src/functions/connectionOrchestrations.ts, called
// through ./activityCalls.ts activitiesOf).
import type { ConnectionActivities } from "../activities/connectionActivities.js";

export const Orchestrators = {
  createOrUpdate: "linkerCreateOrUpdate",
  delete: "linkerDelete",
  validate: "linkerValidate",
} as const;

export const Activities = {
  plan: "linkerPlan",
  runStep: "linkerRunStep",
  compensateStep: "linkerCompensateStep",
  planDelete: "linkerPlanDelete",
  planObsolete: "linkerPlanObsolete",
  validate: "linkerRunValidation",
  record: "linkerRecord",
} as const satisfies Record<keyof ConnectionActivities, string>;

/** Entity whose lock serializes the writes of all operations on one source (app settings PUT replaces the whole set). */
export const SOURCE_LOCK_ENTITY = "sourceLock";
