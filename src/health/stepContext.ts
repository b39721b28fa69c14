// What a step's verify needs when health checks run it: linkwright's clients, a sealer (health never seals; without
// one, sealed secret sources are checked for presence only) and where database servers are reached.
import type { ArmClients } from "../azure/clients.js";
import type { Sealer } from "../secrets/seal.js";
import type { StepContext } from "../steps/step.js";

const noSealer: Sealer = {
  seal() { throw new Error("health checks never seal"); },
  unseal() { throw new Error("no sealer configured for health checks"); },
};

export function stepContextOf(deps: { clients: ArmClients; sealer?: Sealer; databases?: StepContext["databases"] }): StepContext {
  return { clients: deps.clients, sealer: deps.sealer ?? noSealer, ...(deps.databases ? { databases: deps.databases } : {}) };
}
