// Microsoft.SignalRService/SignalR resource provider (hostName, listKeys, networkACLs via update).
import type { Provider } from "../../core/contract.js";
import { signalRRoutes } from "../kit/signalr-services.js";

export const signalRProvider: Provider = { namespace: "Microsoft.SignalRService", routes: signalRRoutes("SignalR") };
export { buildSignalRResource } from "../kit/signalr-services.js";
