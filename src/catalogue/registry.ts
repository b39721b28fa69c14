// Every target descriptor, keyed by kind.
import { appConfiguration } from "./appconfig.js";
import { appInsights } from "./appinsights.js";
import { cognitiveServices } from "./cognitive.js";
import { confluentKafka } from "./confluent.js";
import { cosmosCassandra, cosmosGremlin, cosmosMongo, cosmosSql, cosmosTable } from "./cosmos.js";
import { eventHub } from "./eventhub.js";
import { keyVault } from "./keyvault.js";
import { mysqlFlexible } from "./mysql.js";
import { postgresFlexible } from "./postgres.js";
import { redis, redisEnterprise } from "./redis.js";
import { serviceBus } from "./servicebus.js";
import { signalR } from "./signalr.js";
import { sqlDatabase } from "./sql.js";
import { storageBlob, storageFile, storageQueue, storageTable } from "./storage.js";
import type { TargetDescriptor, TargetKind } from "./types.js";
import { userAccountCells } from "./entries.js";
import { webPubSub } from "./webpubsub.js";

const ALL: TargetDescriptor[] = [
  storageBlob,
  storageQueue,
  storageTable,
  storageFile,
  keyVault,
  sqlDatabase,
  postgresFlexible,
  mysqlFlexible,
  cosmosSql,
  cosmosMongo,
  cosmosCassandra,
  cosmosGremlin,
  cosmosTable,
  serviceBus,
  eventHub,
  signalR,
  webPubSub,
  appConfiguration,
  redis,
  redisEnterprise,
  cognitiveServices,
  appInsights,
  confluentKafka,
];

/** A target a local connection reaches with the developer's account gets its userAccount cells (./entries.ts). */
function withLocalCells(d: TargetDescriptor): TargetDescriptor {
  return d.authTypes.local.includes("userAccount") && !d.cells.userAccount ? { ...d, cells: userAccountCells(d.cells) } : d;
}

export const REGISTRY: ReadonlyMap<TargetKind, TargetDescriptor> = new Map(ALL.map((d) => [d.kind, withLocalCells(d)]));
