// Microsoft.Network resource provider: virtual networks, subnets (service endpoints), private endpoints.
import type { Provider } from "../../core/contract.js";
import { privateEndpointRoutes } from "./private-endpoints.js";
import { vnetRoutes } from "./virtual-networks.js";

export const networkProvider: Provider = { namespace: "Microsoft.Network", routes: [...vnetRoutes, ...privateEndpointRoutes] };
