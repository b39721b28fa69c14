// Microsoft.CognitiveServices resource provider: Azure OpenAI / AI services / Cognitive Services accounts.
import type { Provider } from "../../core/contract.js";
import { cognitiveRoutes } from "./accounts.js";

export const cognitiveServicesProvider: Provider = { namespace: "Microsoft.CognitiveServices", routes: cognitiveRoutes };
export { buildCognitiveAccount } from "./accounts.js";
