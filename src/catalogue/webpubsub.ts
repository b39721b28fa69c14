// Azure Web PubSub (targets.md §4, §5a, §6.17, §7).
import { fact, forClients, key, need, sameForAllSources, secretKey, spPlus, umiClientId, LOCAL_IDENTITY_AUTH } from "./entries.js";
import { RG } from "./ids.js";
import type { ClientType, TargetDescriptor, TargetFacts } from "./types.js";

const WPS = `${RG}/Microsoft.SignalRService/WebPubSub/{resourceName}`;
const P = "AZURE_WEBPUBSUB";
const host = fact("host");
const CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "none"];
const hostKey = key(P, "HOST", host, "Web PubSub host name");
const connectionString = (f: TargetFacts) => `Endpoint=https://${host(f)};AccessKey=${need(f, "accessKey")};Version=1.0;`;

export const webPubSub: TargetDescriptor = {
  kind: "webpubsub",
  resourceFacts: [{ fact: "host", path: "properties.hostName" }],
  displayName: "Azure Web PubSub",
  armType: "Microsoft.SignalRService/WebPubSub",
  idPatterns: [{ template: WPS }],
  resourceTemplate: WPS,
  roleScopeTemplate: WPS,
  authTypes: sameForAllSources(["systemAssignedIdentity", "secret", "userAssignedIdentity", "servicePrincipalSecret"], LOCAL_IDENTITY_AUTH),
  secretIsAuto: true,
  clientTypes: CLIENTS,
  cells: {
    systemAssignedIdentity: forClients(CLIENTS, [hostKey]),
    userAssignedIdentity: forClients(CLIENTS, [hostKey, umiClientId(P)]),
    servicePrincipalSecret: forClients(CLIENTS, [hostKey, ...spPlus(P)]),
    secret: forClients(CLIENTS, [secretKey(P, "CONNECTIONSTRING", connectionString, "Web PubSub connection string")]),
  },
  defaultRoles: [{ name: "SignalR/Web PubSub Contributor", id: "8cf5e20a-e4b2-4e9d-b3a1-5ceb692c2761" }],
  allowedRoles: [
    { name: "Web PubSub Service Owner", id: "12cf5a90-567b-43ae-8102-96cf46c7d9b4" },
    { name: "Web PubSub Service Reader", id: "bfb1c7d2-fb1a-466b-b2ba-aee63b92deaf" },
  ],
  secretSource: {
    kind: "listKeys",
    resourceTemplate: WPS,
    action: "Microsoft.SignalRService/WebPubSub/listKeys/action",
    pick: [{ path: "primaryKey", fact: "accessKey" }],
  },
  network: { firewall: false, serviceEndpoint: false, privateLink: true },
  binding: {
    bindingTypes: ["webPubSubTrigger", "webPubSub", "webPubSubConnection", "webPubSubContext"],
    identity: [{ property: "serviceUri", value: (f) => `https://${host(f)}`, description: "Web PubSub endpoint for the binding" }],
    secretValue: connectionString,
  },
  notes: ["`none` is kept from the CLI list; the doc lists .NET, Java, Node and Python."],
};
