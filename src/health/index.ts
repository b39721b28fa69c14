// Connection health: validateLinker, batched revalidation, history + last health, change messages,
// activity-log attribution, and Event Grid reactions (see each module's header).
export * from "./types.js";
export { validateConnection, checkConnection, type ValidateDeps, type PropagationOptions } from "./validate.js";
export { revalidateConnections, callBound, allowPropagation, type RevalidateDeps, type RevalidationRun, type RevalidationStats } from "./revalidate.js";
export { evaluateLinker, appliedSteps, targetIdOf, SNAPSHOT_STEPS, type EvaluateOptions } from "./evaluate.js";
export { verifyOtherSteps, type FallbackOptions } from "./verifyFallback.js";
export { ownCallerIds, callerIdsOfToken } from "../azure/ownIdentity.js";
export { confirmRoleAssignments } from "./confirmRoles.js";
export { planReads, type ReadPlan } from "./readPlan.js";
export { collectSnapshot, graphQuery, roleAssignmentsQuery, armCallsOf, emptyStats, type CallStats, type CollectOptions } from "./collect.js";
export { emptySnapshot, existenceId, type HealthSnapshot, type GraphResource, type RoleAssignmentRow, type Read } from "./snapshot.js";
export { createRetryBudget, type RetryBudget, type RetryBudgetOptions } from "./retry.js";
export { createHealthHistory, recordLinkerHealth, linkerHealthOf, toHealthRecord, healthTableName, type HealthHistory, type HealthRecord } from "./history.js";
export { createHealthChangePublisher, healthChanged, encodeQueueMessage, HEALTH_QUEUE, type HealthChangeMessage, type HealthChangePublisher, type HealthQueueOptions } from "./changes.js";
export { recordHealth, type RecordHealthDeps, type RecordOutcome } from "./record.js";
export { attribute, attributionQueries, activityLogFilter, withAttribution, type AttributionQuery, type AttributionOptions } from "./attribution.js";
export {
  affectedLinkers, decideAutoHeal, reactToEvents, createEventReactor, parseResourceEvents, lookupIds, RESOURCE_EVENT_TYPES,
  type AutoHealPolicy, type AutoHealDecision, type EventReaction, type EventReactionDeps, type EventReactorOptions, type ResourceEvent,
} from "./events.js";
export { createDebouncer, type Debouncer, type DebouncerOptions } from "./debounce.js";
