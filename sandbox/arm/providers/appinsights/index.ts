// Application Insights components (namespace Microsoft.Insights, shared with the core's activity-log provider).
import type { Provider } from "../../core/contract.js";
import { componentRoutes } from "./components.js";

export const appInsightsProvider: Provider = { namespace: "Microsoft.Insights", routes: componentRoutes };
export { buildAppInsightsComponent } from "./components.js";
