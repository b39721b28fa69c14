// Validate one connection: one activity runs the checks (reads only), then the result is recorded on the operation.
import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import type { ValidateStart } from "../model/operations.js";
import type { ConnectionError } from "../model/errors.js";
import { Activities } from "./names.js";
import type { OperationOutcome } from "./outcome.js";

export function* validateOrchestrator(context: OrchestrationContext): Generator<df.Task, void, any> {
  const start = context.df.getInput<ValidateStart>();
  const result: { ok: boolean; result?: Record<string, unknown>; error?: ConnectionError } =
    yield context.df.callActivity(Activities.validate, start);
  const outcome: OperationOutcome = {
    kind: "validate", operationId: start.operationId, linkerId: start.linkerId, sourceId: start.sourceId, linkerName: start.linkerName,
    ...(result.ok ? { status: "Succeeded", result: result.result } : { status: "Failed", error: result.error }),
  };
  yield context.df.callActivity(Activities.record, outcome);
}
