// Microsoft.App resource provider: container apps (identity, secrets, containers' env).
import type { Provider } from "../../core/contract.js";
import { containerAppRoutes } from "./container-apps.js";

export const containerAppsProvider: Provider = { namespace: "Microsoft.App", routes: containerAppRoutes };
