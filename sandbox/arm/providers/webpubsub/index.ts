// Microsoft.SignalRService/WebPubSub resource provider (hostName, listKeys, networkACLs via update); same model as SignalR.
import type { Provider } from "../../core/contract.js";
import { signalRRoutes } from "../kit/signalr-services.js";

export const webPubSubProvider: Provider = { namespace: "Microsoft.SignalRService", routes: signalRRoutes("WebPubSub") };
