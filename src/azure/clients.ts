// The one factory every ARM client comes from: same credential, endpoint, token scope and retry policy.
// The SDKs' own retry policies honour Retry-After (429/503) and back off exponentially on 408/5xx;
// the factory only sets how many times and how long.
import type { TokenCredential } from "@azure/core-auth";
import { WebSiteManagementClient } from "@azure/arm-appservice";
import { AuthorizationManagementClient } from "@azure/arm-authorization";
import { ContainerAppsAPIClient } from "@azure/arm-appcontainers";
import { KeyVaultManagementClient } from "@azure/arm-keyvault";
import { ManagedServiceIdentityClient } from "@azure/arm-msi";
import { MonitorClient } from "@azure/arm-monitor";
import { NetworkManagementClient } from "@azure/arm-network";
import { ResourceGraphClient } from "@azure/arm-resourcegraph";
import { ResourceManagementClient } from "@azure/arm-resources";
import { StorageManagementClient } from "@azure/arm-storage";
import { SecretClient } from "@azure/keyvault-secrets";
import { AppConfigurationClient } from "@azure/app-configuration";
import { isLoopbackHost } from "../secrets/loopback.js";

export interface ArmClientFactoryOptions {
  credential: TokenCredential;
  /** e.g. https://management.azure.com */
  armEndpoint: string;
  /** Token audience for ARM, e.g. https://management.azure.com/ (the scope is audience + ".default"). */
  armAudience: string;
  /** Retries after the first attempt (the SDK default is 3). */
  maxRetries?: number;
  /** Ceiling for one back-off delay, also for a Retry-After the service asks for. */
  maxRetryDelayInMs?: number;
  userAgentPrefix?: string;
  /** Key Vault clients check that the vault's auth challenge names a Key Vault domain; only a vault served on a
   *  loopback host (a local emulator) may skip it — the switch is ignored for any other host. */
  disableKeyVaultChallengeResourceVerification?: boolean;
}

/** Options every generated client understands: modular clients read `endpoint` and `credentials.scopes`,
 *  the older HLC ones `endpoint`/`$host` and `credentialScopes`. */
export function commonClientOptions(options: ArmClientFactoryOptions) {
  const scope = `${options.armAudience.replace(/\/+$/, "")}/.default`;
  return {
    endpoint: options.armEndpoint,
    $host: options.armEndpoint,
    credentialScopes: [scope],
    credentials: { scopes: [scope] },
    retryOptions: { maxRetries: options.maxRetries ?? 5, maxRetryDelayInMs: options.maxRetryDelayInMs ?? 30_000 },
    userAgentOptions: { userAgentPrefix: options.userAgentPrefix ?? "linkwright" },
  };
}

export interface ArmClients {
  /** The ARM endpoint every client talks to. */
  readonly armEndpoint: string;
  webApps(subscriptionId: string): WebSiteManagementClient;
  containerApps(subscriptionId: string): ContainerAppsAPIClient;
  authorization(subscriptionId: string): AuthorizationManagementClient;
  storage(subscriptionId: string): StorageManagementClient;
  keyVault(subscriptionId: string): KeyVaultManagementClient;
  msi(subscriptionId: string): ManagedServiceIdentityClient;
  network(subscriptionId: string): NetworkManagementClient;
  resources(subscriptionId: string): ResourceManagementClient;
  monitor(subscriptionId: string): MonitorClient;
  resourceGraph(): ResourceGraphClient;
  /** Key Vault secrets data plane of one vault (vaultUri as the vault reports it). */
  secrets(vaultUri: string): SecretClient;
  /** App Configuration key-values data plane of one store (endpoint as the store reports it). */
  appConfiguration(endpoint: string): AppConfigurationClient;
  /** A token of linkwright's own identity for a data plane no SDK client covers (database logins). */
  dataPlaneToken(scope: string): Promise<string>;
}

/** Builds clients lazily and keeps one per (kind, subscription). */
export function createArmClients(options: ArmClientFactoryOptions): ArmClients {
  const common = commonClientOptions(options);
  const cred = options.credential;
  const cache = new Map<string, unknown>();
  const memo = <T>(key: string, make: () => T): T => {
    let client = cache.get(key) as T | undefined;
    if (!client) {
      client = make();
      cache.set(key, client);
    }
    return client;
  };
  return {
    armEndpoint: options.armEndpoint,
    webApps: (s) => memo(`web/${s}`, () => new WebSiteManagementClient(cred, s, common)),
    containerApps: (s) => memo(`app/${s}`, () => new ContainerAppsAPIClient(cred, s, common)),
    authorization: (s) => memo(`authz/${s}`, () => new AuthorizationManagementClient(cred, s, common)),
    storage: (s) => memo(`storage/${s}`, () => new StorageManagementClient(cred, s, common)),
    keyVault: (s) => memo(`kv/${s}`, () => new KeyVaultManagementClient(cred, s, common)),
    msi: (s) => memo(`msi/${s}`, () => new ManagedServiceIdentityClient(cred, s, common)),
    network: (s) => memo(`network/${s}`, () => new NetworkManagementClient(cred, s, common)),
    resources: (s) => memo(`resources/${s}`, () => new ResourceManagementClient(cred, s, common)),
    monitor: (s) => memo(`monitor/${s}`, () => new MonitorClient(cred, s, common)),
    resourceGraph: () => memo("graph", () => new ResourceGraphClient(cred, common)),
    secrets: (vaultUri) => memo(`secrets/${vaultUri.toLowerCase()}`, () => new SecretClient(vaultUri, cred, {
      retryOptions: common.retryOptions,
      userAgentOptions: common.userAgentOptions,
      // Honoured only for a vault on a loopback host (a local emulator): a vault anywhere else must prove it is Key Vault.
      disableChallengeResourceVerification: (options.disableKeyVaultChallengeResourceVerification ?? false) && isLoopbackHost(vaultUri),
    })),
    appConfiguration: (endpoint) => memo(`appconfig/${endpoint.toLowerCase()}`, () => new AppConfigurationClient(endpoint, cred, {
      retryOptions: common.retryOptions,
      userAgentOptions: common.userAgentOptions,
    })),
    async dataPlaneToken(scope) {
      const token = await cred.getToken(scope);
      if (!token) throw new Error(`No token for ${scope} from linkwright's identity.`);
      return token.token;
    },
  };
}
