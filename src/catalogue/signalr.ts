// Azure SignalR Service (targets.md §4, §5a, §6.16, §7).
import { forClients, key, need, sameForAllSources, LOCAL_IDENTITY_AUTH } from "./entries.js";
import { RG } from "./ids.js";
import type { TargetDescriptor, TargetFacts } from "./types.js";

const SIGNALR = `${RG}/Microsoft.SignalRService/SignalR/{resourceName}`;
const P = "AZURE_SIGNALR";
/** `https://<name>.service.signalr.net` from properties.hostName. */
const endpoint = (f: TargetFacts) => `https://${need(f, "host")}`;
const CLIENTS = ["dotnet", "none"] as const;
const cs = (v: (f: TargetFacts) => string, secret: boolean) => key(P, "CONNECTIONSTRING", v, "SignalR connection string", secret);
const secretConnectionString = (f: TargetFacts) => `Endpoint=${endpoint(f)};AccessKey=${need(f, "accessKey")};Version=1.0;`;

export const signalR: TargetDescriptor = {
  kind: "signalr",
  resourceFacts: [{ fact: "host", path: "properties.hostName" }],
  displayName: "Azure SignalR Service",
  armType: "Microsoft.SignalRService/SignalR",
  idPatterns: [{ template: SIGNALR }],
  resourceTemplate: SIGNALR,
  roleScopeTemplate: SIGNALR,
  authTypes: sameForAllSources(["systemAssignedIdentity", "secret", "userAssignedIdentity", "servicePrincipalSecret"], LOCAL_IDENTITY_AUTH),
  secretIsAuto: true,
  clientTypes: [...CLIENTS],
  cells: {
    systemAssignedIdentity: forClients(CLIENTS, [cs((f) => `Endpoint=${endpoint(f)};AuthType=aad;Version=1.0;`, false)]),
    userAssignedIdentity: forClients(CLIENTS, [cs((f) => `Endpoint=${endpoint(f)};AuthType=aad;client-id=${need(f, "clientId")};Version=1.0;`, false)]),
    servicePrincipalSecret: forClients(CLIENTS, [
      cs(
        (f) =>
          `Endpoint=${endpoint(f)};AuthType=aad;ClientId=${need(f, "clientId")};ClientSecret=${need(f, "clientSecret")};` +
          `TenantId=${need(f, "tenantId")};Version=1.0;`,
        true,
      ),
    ]),
    secret: forClients(CLIENTS, [cs(secretConnectionString, true)]),
  },
  defaultRoles: [{ name: "SignalR Service Owner", id: "7e4f1700-ea5a-4f59-8f37-079cfe29dce3" }],
  allowedRoles: [{ name: "SignalR App Server", id: "420fcaa2-552c-430f-98ca-3264be4806c7" }],
  secretSource: {
    kind: "listKeys",
    resourceTemplate: SIGNALR,
    action: "Microsoft.SignalRService/SignalR/listKeys/action",
    pick: [{ path: "primaryKey", fact: "accessKey" }],
  },
  network: { firewall: false, serviceEndpoint: false, privateLink: true },
  binding: {
    bindingTypes: ["signalRTrigger", "signalR", "signalRConnectionInfo", "signalRNegotiation"],
    identity: [{ property: "serviceUri", value: endpoint, description: "SignalR endpoint for the binding" }],
    secretValue: secretConnectionString,
    note: "The Functions SignalR bindings need the SignalR Service Owner role (Owner is not enough, §7).",
  },
  notes: ["SMI writes no client id; UMI writes `client-id=<id>` as the 2026 doc shows (the 2021 doc wrote ClientId=)."],
};
