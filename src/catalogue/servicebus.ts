// Azure Service Bus (targets.md §4, §5a, §6.14, §7).
import { fact, forClients, key, need, prop, sameForAllSources, secretKey, spPlus, umiClientId, LOCAL_IDENTITY_AUTH } from "./entries.js";
import { RG } from "./ids.js";
import type { ClientType, SecretSource, TargetDescriptor, TargetFacts } from "./types.js";

const NAMESPACE = `${RG}/Microsoft.ServiceBus/namespaces/{resourceName}`;
const P = "AZURE_SERVICEBUS";

/** Namespace host, e.g. `<ns>.servicebus.windows.net` (from properties.serviceBusEndpoint). */
export const namespaceHost = fact("host");
/** `Endpoint=sb://<host>/;SharedAccessKeyName=<n>;SharedAccessKey=<k>` from an authorization rule's keys. */
export const sasConnectionString = (f: TargetFacts) =>
  `Endpoint=sb://${namespaceHost(f)}/;SharedAccessKeyName=${need(f, "sharedAccessKeyName")};SharedAccessKey=${need(f, "accessKey")}`;

/** The namespace-level RootManageSharedAccessKey rule, for Service Bus and Event Hubs. */
export function authorizationRuleKeys(provider: "Microsoft.ServiceBus" | "Microsoft.EventHub", namespaceTemplate: string): SecretSource {
  return {
    kind: "authorizationRuleKeys",
    resourceTemplate: `${namespaceTemplate}/authorizationRules/RootManageSharedAccessKey`,
    action: `${provider}/namespaces/authorizationRules/listKeys/action`,
    pick: [
      { path: "keyName", fact: "sharedAccessKeyName" },
      { path: "primaryKey", fact: "accessKey" },
    ],
  };
}

const CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"];
const NON_SPRING = CLIENTS.filter((c) => c !== "springBoot");
const fqns = key(P, "FULLYQUALIFIEDNAMESPACE", namespaceHost, "Fully qualified namespace");
const springNamespace = prop("spring.cloud.azure.servicebus.namespace", namespaceHost, "Fully qualified namespace");
const springClientId = prop("spring.cloud.azure.client-id", (f) => need(f, "clientId"), "Client id of the identity");

export const serviceBus: TargetDescriptor = {
  kind: "servicebus",
  resourceFacts: [{ fact: "host", path: "properties.serviceBusEndpoint", transform: "host" }],
  displayName: "Azure Service Bus",
  armType: "Microsoft.ServiceBus/namespaces",
  idPatterns: [{ template: NAMESPACE }],
  resourceTemplate: NAMESPACE,
  roleScopeTemplate: NAMESPACE,
  authTypes: sameForAllSources(["systemAssignedIdentity", "secret", "userAssignedIdentity", "servicePrincipalSecret"], LOCAL_IDENTITY_AUTH),
  secretIsAuto: true,
  clientTypes: CLIENTS,
  cells: {
    systemAssignedIdentity: { ...forClients(NON_SPRING, [fqns]), springBoot: [springNamespace] },
    userAssignedIdentity: { ...forClients(NON_SPRING, [fqns, umiClientId(P)]), springBoot: [springNamespace, springClientId] },
    secret: {
      ...forClients(NON_SPRING, [secretKey(P, "CONNECTIONSTRING", sasConnectionString, "Service Bus connection string")]),
      springBoot: [prop("spring.cloud.azure.servicebus.connection-string", sasConnectionString, "Service Bus connection string", true)],
    },
    servicePrincipalSecret: {
      ...forClients(NON_SPRING, [fqns, ...spPlus(P)]),
      springBoot: [
        springNamespace,
        springClientId,
        prop("spring.cloud.azure.tenant-id", (f) => need(f, "tenantId"), "Tenant id of the service principal"),
        prop("spring.cloud.azure.client-secret", (f) => need(f, "clientSecret"), "Client secret of the service principal", true),
      ],
    },
  },
  defaultRoles: [
    { name: "Azure Service Bus Data Receiver", id: "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0" },
    { name: "Azure Service Bus Data Sender", id: "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39" },
  ],
  allowedRoles: [{ name: "Azure Service Bus Data Owner", id: "090c5cfd-751d-490a-894a-3ce6f1109419" }],
  secretSource: authorizationRuleKeys("Microsoft.ServiceBus", NAMESPACE),
  network: { firewall: true, serviceEndpoint: true, privateLink: true },
  binding: {
    bindingTypes: ["serviceBusTrigger", "serviceBus"],
    identity: [{ property: "fullyQualifiedNamespace", value: namespaceHost, description: "Fully qualified namespace for the binding" }],
    secretValue: sasConnectionString,
  },
  notes: ["Spring SP: tenant-id holds the tenant and client-secret the secret (the doc swaps their descriptions, §8)."],
};
