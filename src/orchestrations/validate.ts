// Validate one connection: one activity runs the checks (reads only), then the result is recorded on the operation.
import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import type { OperationOutcome, ValidateStart } from "../model/operations.js";
import { activitiesOf } from "./activityCalls.js";

export function* validateOrchestrator(context: OrchestrationContext): Generator<df.Task, void, any> {
  const start = context.df.getInput<ValidateStart>();
  const acts = activitiesOf(context);
  const checked = yield* acts.validate(start);
  const outcome: OperationOutcome = {
    kind: "validate", operationId: start.operationId, linkerId: start.linkerId, sourceId: start.sourceId, linkerName: start.linkerName,
    ...(checked.ok ? { status: "Succeeded", result: checked.result } : { status: "Failed", error: checked.error }),
  };
  yield* acts.record(outcome);
}
