// Microsoft.Cache resource provider: Azure Cache for Redis (keys, firewall rules, Entra access policy assignments).
import type { Provider } from "../../core/contract.js";
import { redisRoutes } from "./caches.js";

export const redisProvider: Provider = { namespace: "Microsoft.Cache", routes: redisRoutes };
export { buildRedisCache } from "./caches.js";
