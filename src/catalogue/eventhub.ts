// Azure Event Hubs (targets.md §4, §5a, §6.15, §7).
import { forClients, key, need, prop, sameForAllSources, secretKey, spPlus, umiClientId, LOCAL_IDENTITY_AUTH } from "./entries.js";
import { RG } from "./ids.js";
import { authorizationRuleKeys, namespaceHost, sasConnectionString } from "./servicebus.js";
import type { ClientType, TargetDescriptor } from "./types.js";

const NAMESPACE = `${RG}/Microsoft.EventHub/namespaces/{resourceName}`;
const P = "AZURE_EVENTHUB";
const CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "go", "springBoot", "kafka-springBoot", "none"];
const NON_SPRING = CLIENTS.filter((c) => c !== "springBoot" && c !== "kafka-springBoot");

const fqns = key(P, "FULLYQUALIFIEDNAMESPACE", namespaceHost, "Fully qualified namespace");
const E = "spring.cloud.azure.eventhubs";
const ns = prop(`${E}.namespace`, namespaceHost, "Fully qualified namespace");
const mi = prop(`${E}.credential.managed-identity-enabled`, "true", "Use a managed identity");
const clientId = prop(`${E}.credential.client-id`, (f) => need(f, "clientId"), "Client id of the identity");
const kafkaServers = prop("spring.kafka.bootstrap-servers", namespaceHost, "Kafka bootstrap server (the namespace)");
const K = "spring.kafka.properties.azure";
const conn = (spring: boolean) =>
  spring
    ? prop(`${E}.connection-string`, sasConnectionString, "Event Hubs connection string", true)
    : secretKey(P, "CONNECTIONSTRING", sasConnectionString, "Event Hubs connection string");

export const eventHub: TargetDescriptor = {
  kind: "eventhub",
  resourceFacts: [{ fact: "host", path: "properties.serviceBusEndpoint", transform: "host" }],
  displayName: "Azure Event Hubs",
  armType: "Microsoft.EventHub/namespaces",
  idPatterns: [{ template: NAMESPACE }],
  resourceTemplate: NAMESPACE,
  roleScopeTemplate: NAMESPACE,
  authTypes: sameForAllSources(["systemAssignedIdentity", "secret", "userAssignedIdentity", "servicePrincipalSecret"], LOCAL_IDENTITY_AUTH),
  secretIsAuto: true,
  clientTypes: CLIENTS,
  cells: {
    systemAssignedIdentity: { ...forClients(NON_SPRING, [fqns]), springBoot: [ns, mi], "kafka-springBoot": [kafkaServers] },
    userAssignedIdentity: {
      ...forClients(NON_SPRING, [fqns, umiClientId(P)]),
      springBoot: [ns, mi, clientId],
      "kafka-springBoot": [
        kafkaServers,
        prop(`${K}.credential.managed-identity-enabled`, "true", "Use a managed identity"),
        prop(`${K}.credential.client-id`, (f) => need(f, "clientId"), "Client id of the identity"),
      ],
    },
    secret: { ...forClients(NON_SPRING, [conn(false)]), springBoot: [conn(true)], "kafka-springBoot": [conn(true)] },
    servicePrincipalSecret: {
      ...forClients(NON_SPRING, [fqns, ...spPlus(P)]),
      springBoot: [
        ns,
        clientId,
        prop(`${E}.credential.client-secret`, (f) => need(f, "clientSecret"), "Client secret of the service principal", true),
        prop(`${E}.profile.tenant-id`, (f) => need(f, "tenantId"), "Tenant id of the service principal"),
      ],
      "kafka-springBoot": [
        kafkaServers,
        prop(`${K}.credential.client-id`, (f) => need(f, "clientId"), "Client id of the service principal"),
        prop(`${K}.credential.client-secret`, (f) => need(f, "clientSecret"), "Client secret of the service principal", true),
        prop(`${K}.profile.tenant-id`, (f) => need(f, "tenantId"), "Tenant id of the service principal"),
      ],
    },
  },
  defaultRoles: [
    { name: "Azure Event Hubs Data Receiver", id: "a638d3c7-ab3a-418d-83e6-5f17a39d4fde" },
    { name: "Azure Event Hubs Data Sender", id: "2b629674-e913-4c01-ae53-ef4638d8f975" },
  ],
  allowedRoles: [{ name: "Azure Event Hubs Data Owner", id: "f526a384-b230-433a-b45c-95f59c4a2dec" }],
  secretSource: authorizationRuleKeys("Microsoft.EventHub", NAMESPACE),
  network: { firewall: true, serviceEndpoint: true, privateLink: true },
  binding: {
    bindingTypes: ["eventHubTrigger", "eventHub"],
    identity: [{ property: "fullyQualifiedNamespace", value: namespaceHost, description: "Fully qualified namespace for the binding" }],
    secretValue: sasConnectionString,
  },
  notes: [
    "Spring Boot writes only Spring Cloud Azure >= 4.0 names (spring.cloud.azure.eventhubs.*); the < 4.0 names " +
      "(spring.cloud.azure.eventhub.namespace, spring.cloud.azure.client-id/tenant-id/client-secret, and the secret key " +
      "documented as spring.cloud.azure.storage.connection-string, §8) are not written.",
  ],
};
