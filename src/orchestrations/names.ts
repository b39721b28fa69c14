// Names of the durable functions the connection orchestrations use (registered in src/functions/connectionOrchestrations.ts).
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
} as const;

/** Entity whose lock serializes the writes of all operations on one source (app settings PUT replaces the whole set). */
export const SOURCE_LOCK_ENTITY = "sourceLock";
