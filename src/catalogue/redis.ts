// Azure Cache for Redis and Redis Enterprise (targets.md §4, §6.19).
import { fact, forClients, key, prop, sameForAllSources, secretKey, spPlus, umiClientId, LOCAL_IDENTITY_AUTH } from "./entries.js";
import { RG } from "./ids.js";
import type { CellTable, ClientType, EntrySpec, TargetDescriptor, TargetFacts } from "./types.js";

const CACHE = `${RG}/Microsoft.Cache/redis/{resourceName}`;
const ENTERPRISE = `${RG}/Microsoft.Cache/redisEnterprise/{resourceName}`;
const P = "AZURE_REDIS";
const CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "go", "springBoot", "none"];
const MI_CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "none"];

const host = fact("host");
/** TLS port: the resolved port, else 6380 (Azure Cache for Redis sslPort). */
const port = (f: TargetFacts) => f.port ?? "6380";
/** Database index: the numeric database segment of the id, else 0 (Enterprise databases are named). */
const dbIndex = (f: TargetFacts) => (f.databaseName && /^\d+$/.test(f.databaseName) ? f.databaseName : "0");
const pass = fact("accessKey");

const hostKey = key(P, "HOST", host, "Redis host name");
const secretCells = (): Partial<Record<ClientType, EntrySpec[]>> => {
  const uri = secretKey(P, "CONNECTIONSTRING", (f) => `rediss://:${pass(f)}@${host(f)}:${port(f)}/${dbIndex(f)}`, "Redis connection URI");
  return {
    dotnet: [
      secretKey(P, "CONNECTIONSTRING", (f) => `${host(f)}:${port(f)},password=${pass(f)},ssl=True,defaultDatabase=${dbIndex(f)}`, "StackExchange.Redis configuration string"),
    ],
    ...forClients(["java", "python", "go", "nodejs"], [uri]),
    springBoot: [
      prop("spring.redis.host", host, "Redis host name"),
      prop("spring.redis.port", port, "Redis TLS port"),
      prop("spring.redis.database", dbIndex, "Database index"),
      prop("spring.redis.password", pass, "Access key", true),
      prop("spring.redis.ssl", "true", "Use TLS"),
    ],
    none: [
      hostKey,
      key(P, "PORT", port, "Redis TLS port"),
      key(P, "DATABASE", dbIndex, "Database index"),
      secretKey(P, "PASSWORD", pass, "Access key"),
      key(P, "SSL", "true", "Use TLS"),
    ],
  };
};

const cacheCells: CellTable = {
  systemAssignedIdentity: forClients(MI_CLIENTS, [hostKey]),
  userAssignedIdentity: forClients(MI_CLIENTS, [hostKey, umiClientId(P)]),
  secret: secretCells(),
  servicePrincipalSecret: forClients(MI_CLIENTS, [hostKey, ...spPlus(P)]),
};

export const redis: TargetDescriptor = {
  kind: "redis",
  resourceFacts: [{ fact: "host", path: "properties.hostName" }, { fact: "port", path: "properties.sslPort" }],
  displayName: "Azure Cache for Redis",
  armType: "Microsoft.Cache/redis/databases",
  idPatterns: [{ template: `${CACHE}/databases/{databaseName}` }],
  resourceTemplate: CACHE,
  authTypes: sameForAllSources(["systemAssignedIdentity", "userAssignedIdentity", "secret", "servicePrincipalSecret"], LOCAL_IDENTITY_AUTH),
  secretIsAuto: true,
  clientTypes: CLIENTS,
  cells: cacheCells,
  defaultRoles: [],
  secretSource: {
    kind: "listKeys",
    resourceTemplate: CACHE,
    action: "Microsoft.Cache/redis/listKeys/action",
    pick: [{ path: "primaryKey", fact: "accessKey" }],
  },
  network: { firewall: true, serviceEndpoint: false, privateLink: true },
  notes: [
    "Go and Spring Boot are secret only (§6.19).",
    "Identity auth needs a Redis data-access policy assignment (Entra for Redis); the sources do not say which one " +
      "Service Connector makes, so the catalogue assigns no ARM role and the connections slice must report it.",
  ],
};

export const redisEnterprise: TargetDescriptor = {
  kind: "redis-enterprise",
  targetFacts: [{ fact: "port", path: "properties.port" }],
  resourceFacts: [{ fact: "host", path: "properties.hostName" }],
  displayName: "Azure Cache for Redis Enterprise",
  armType: "Microsoft.Cache/redisEnterprise/databases",
  idPatterns: [{ template: `${ENTERPRISE}/databases/{databaseName}` }],
  resourceTemplate: ENTERPRISE,
  authTypes: sameForAllSources(["secret"], ["secret"]),
  secretIsAuto: true,
  clientTypes: CLIENTS,
  cells: { secret: secretCells() },
  defaultRoles: [],
  secretSource: {
    kind: "listKeys",
    resourceTemplate: `${ENTERPRISE}/databases/{databaseName}`,
    action: "Microsoft.Cache/redisEnterprise/databases/listKeys/action",
    pick: [{ path: "primaryKey", fact: "accessKey" }],
  },
  network: { firewall: false, serviceEndpoint: false, privateLink: false },
  notes: ["Secret only. Port is the database's `properties.port` (facts.port); database index 0."],
};
