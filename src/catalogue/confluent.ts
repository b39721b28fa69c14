// Confluent Cloud Kafka (targets.md §4, §6.20): endpoint-based, secret only.
import { forClients, key, need, prop, sameForAllSources, secretKey } from "./entries.js";
import type { ClientType, EntrySpec, TargetDescriptor, TargetFacts } from "./types.js";

const K = "AZURE_CONFLUENTCLOUDKAFKA";
const R = "AZURE_CONFLUENTCLOUDSCHEMAREGISTRY";
const CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"];

const jaas = (f: TargetFacts) =>
  `org.apache.kafka.common.security.plain.PlainLoginModule required username='${need(f, "kafkaApiKey")}' password='${need(f, "kafkaApiSecret")}';`;
const userInfo = (f: TargetFacts) => `${need(f, "schemaRegistryKey")}:${need(f, "schemaRegistrySecret")}`;
const withRegistry = (f: TargetFacts) => !!f.schemaRegistryUrl;
const registry = (specs: EntrySpec[]): EntrySpec[] =>
  specs.map((s) => ({ ...s, appliesTo: withRegistry, appliesToLabel: "when a schema registry is connected" }));

export const confluentKafka: TargetDescriptor = {
  kind: "confluent-kafka",
  displayName: "Confluent Cloud Kafka",
  armType: "ConfluentBootstrapServer",
  idPatterns: [],
  authTypes: sameForAllSources(["secret"], ["secret"]),
  secretIsAuto: false,
  clientTypes: CLIENTS,
  cells: {
    secret: {
      ...forClients(
        CLIENTS.filter((c) => c !== "springBoot"),
        [
          key(K, "BOOTSTRAPSERVER", (f) => need(f, "bootstrapServer"), "Kafka bootstrap server"),
          secretKey(K, "KAFKASASLCONFIG", jaas, "Kafka SASL JAAS configuration"),
          ...registry([
            key(R, "URL", (f) => need(f, "schemaRegistryUrl"), "Schema registry URL"),
            secretKey(R, "USERINFO", userInfo, "Schema registry key:secret"),
          ]),
        ],
      ),
      springBoot: [
        prop("spring.kafka.properties.bootstrap.servers", (f) => need(f, "bootstrapServer"), "Kafka bootstrap server"),
        prop("spring.kafka.properties.sasl.jaas.config", jaas, "Kafka SASL JAAS configuration", true),
        ...registry([
          prop("spring.kafka.properties.schema.registry.url", (f) => need(f, "schemaRegistryUrl"), "Schema registry URL"),
          prop("spring.kafka.properties.schema.registry.basic.auth.user.info", userInfo, "Schema registry key:secret", true),
        ]),
      ],
    },
  },
  defaultRoles: [],
  secretSource: {
    kind: "userProvided",
    fields: [
      { fact: "kafkaApiKey", from: "authInfo.name" },
      { fact: "kafkaApiSecret", from: "authInfo.secretInfo" },
    ],
    note: "Schema registry url/key/secret come from a ConfluentSchemaRegistry connection when one is made.",
  },
  network: { firewall: false, serviceEndpoint: false, privateLink: false },
  notes: [
    "Names follow the current doc (AZURE_CONFLUENTCLOUDKAFKA_*), not INTERNALS' CONFLUENTCLOUD_KAFKA_* (§8).",
    "Node is included per the doc; the CLI list does not have it.",
  ],
};
