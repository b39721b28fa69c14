// Microsoft.Storage resource provider: storage accounts, their keys, and their default services.
import type { Provider } from "../../core/contract.js";
import { accountRoutes } from "./accounts.js";
import { serviceRoutes } from "./services.js";

export const storageProvider: Provider = { namespace: "Microsoft.Storage", routes: [...accountRoutes, ...serviceRoutes] };
