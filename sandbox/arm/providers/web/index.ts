// Microsoft.Web resource provider: sites and slots, their config resources, function listings, VNet integration and
// publishing profiles.
import type { Provider } from "../../core/contract.js";
import { configRoutesAll } from "./config.js";
import { functionRoutesAll } from "./functions.js";
import { publishingRoutes } from "./publishing.js";
import { siteRoutes } from "./sites.js";
import { vnetIntegrationRoutes } from "./vnet-integration.js";

export const webProvider: Provider = {
  namespace: "Microsoft.Web",
  routes: [...siteRoutes, ...configRoutesAll, ...functionRoutesAll, ...vnetIntegrationRoutes, ...publishingRoutes],
};
