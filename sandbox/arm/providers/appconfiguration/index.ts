// Microsoft.AppConfiguration resource provider: configuration stores (ARM) and each store's key-values data plane.
import type { Provider } from "../../core/contract.js";
import { storeRoutes } from "./stores.js";

export const appConfigurationProvider: Provider = { namespace: "Microsoft.AppConfiguration", routes: storeRoutes };
export { buildConfigurationStore, ensureAppConfigDataPlane, STORE_TYPE as APPCONFIG_STORE_TYPE } from "./stores.js";
