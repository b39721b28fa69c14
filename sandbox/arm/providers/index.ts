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
  // add providers here
];
