// Registry of the ARM emulator's resource providers. startArmEmulator() loads every entry listed here.
// Each entry is a Provider (see ../core/contract.ts) or a factory taking the core's internals.
import type { ProviderEntry } from "../core/provider-registry.js";
import { resourcesProvider } from "./resources.js";
import { authorizationProvider } from "./authorization.js";
import { insightsProvider } from "./insights.js";
import { webProvider } from "./web/index.js";
import { storageProvider } from "./storage/index.js";
import { msiProvider } from "./msi.js";
import { keyVaultProvider } from "./keyvault/index.js";
import { containerAppsProvider } from "./containerapps/index.js";
import { networkProvider } from "./network/index.js";
import { resourceGraphProvider } from "./resourcegraph/index.js";
import { appConfigurationProvider } from "./appconfiguration/index.js";
import { serviceBusProvider } from "./servicebus/index.js";
import { eventHubProvider } from "./eventhub/index.js";
import { cosmosDbProvider } from "./cosmosdb/index.js";
import { sqlProvider } from "./sql/index.js";
import { postgresFlexibleProvider } from "./postgres-flexible/index.js";
import { mysqlFlexibleProvider } from "./mysql-flexible/index.js";
import { signalRProvider } from "./signalr/index.js";
import { webPubSubProvider } from "./webpubsub/index.js";
import { redisProvider } from "./redis/index.js";
import { cognitiveServicesProvider } from "./cognitiveservices/index.js";
import { appInsightsProvider } from "./appinsights/index.js";

export const providers: ProviderEntry[] = [
  resourcesProvider,
  authorizationProvider,
  insightsProvider,
  webProvider,
  storageProvider,
  msiProvider,
  keyVaultProvider,
  containerAppsProvider,
  networkProvider,
  resourceGraphProvider,
  appConfigurationProvider,
  serviceBusProvider,
  eventHubProvider,
  cosmosDbProvider,
  sqlProvider,
  postgresFlexibleProvider,
  mysqlFlexibleProvider,
  signalRProvider,
  webPubSubProvider,
  redisProvider,
  cognitiveServicesProvider,
  appInsightsProvider,
  // add providers here
];
