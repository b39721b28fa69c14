// ConnectionOrchestrations over the Durable client: the operation id is the instance id, so a retried start
// of the same operation never runs it twice.
import type * as df from "durable-functions";
import type { ConnectionOrchestrations } from "../model/operations.js";
import { Orchestrators } from "./names.js";

export function durableOrchestrations(client: df.DurableClient): ConnectionOrchestrations {
  const start = async (name: string, input: { operationId: string }) => {
    await client.startNew(name, { instanceId: input.operationId, input });
  };
  return {
    startCreateOrUpdate: (input) => start(Orchestrators.createOrUpdate, input),
    startDelete: (input) => start(Orchestrators.delete, input),
    startValidate: (input) => start(Orchestrators.validate, input),
  };
}
