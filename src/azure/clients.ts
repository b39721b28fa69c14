// The one factory every ARM client comes from: same credential, endpoint, token scope and retry policy.
// The SDKs' own retry policies honour Retry-After (429/503) and back off exponentially on 408/5xx;
// the factory only sets how many times and how long.
//
// Each SDK is loaded when a client of it is first asked for, not when this module is imported: all six function entry
// files reach this module, and importing the twelve SDKs up front made every cold start pay for all of them (the
// entry files' import went from ~0.9 s to ~0.6 s unbundled; bench/cold-start.ts measures the deployed package).
// Only types (and core-rest-pipeline's RestError, which every SDK loads anyway) are imported statically; `sdk()` below
// loads a package on first use.
import type { TokenCredential } from "@azure/core-auth";
import { RestError, type PipelinePolicy } from "@azure/core-rest-pipeline";
import type { WebSiteManagementClient } from "@azure/arm-appservice";
import type { AuthorizationManagementClient } from "@azure/arm-authorization";
import type { ContainerAppsAPIClient } from "@azure/arm-appcontainers";
import type { KeyVaultManagementClient } from "@azure/arm-keyvault";
import type { ManagedServiceIdentityClient } from "@azure/arm-msi";
import type { MonitorClient } from "@azure/arm-monitor";
import type { NetworkManagementClient } from "@azure/arm-network";
import type { ResourceGraphClient } from "@azure/arm-resourcegraph";
import type { ResourceManagementClient } from "@azure/arm-resources";
import type { StorageManagementClient } from "@azure/arm-storage";
import type { SecretClient } from "@azure/keyvault-secrets";
import type { AppConfigurationClient } from "@azure/app-configuration";
import { isLoopbackHost } from "../secrets/loopback.js";
import { sdk } from "./lazySdk.js";

const appService = sdk("@azure/arm-appservice", () => require("@azure/arm-appservice") as typeof import("@azure/arm-appservice"));
const authorization = sdk("@azure/arm-authorization", () => require("@azure/arm-authorization") as typeof import("@azure/arm-authorization"));
const appContainers = sdk("@azure/arm-appcontainers", () => require("@azure/arm-appcontainers") as typeof import("@azure/arm-appcontainers"));
const keyVaultManagement = sdk("@azure/arm-keyvault", () => require("@azure/arm-keyvault") as typeof import("@azure/arm-keyvault"));
const msi = sdk("@azure/arm-msi", () => require("@azure/arm-msi") as typeof import("@azure/arm-msi"));
const monitor = sdk("@azure/arm-monitor", () => require("@azure/arm-monitor") as typeof import("@azure/arm-monitor"));
const network = sdk("@azure/arm-network", () => require("@azure/arm-network") as typeof import("@azure/arm-network"));
const resourceGraph = sdk("@azure/arm-resourcegraph", () => require("@azure/arm-resourcegraph") as typeof import("@azure/arm-resourcegraph"));
const resources = sdk("@azure/arm-resources", () => require("@azure/arm-resources") as typeof import("@azure/arm-resources"));
const storage = sdk("@azure/arm-storage", () => require("@azure/arm-storage") as typeof import("@azure/arm-storage"));
const keyVaultSecrets = sdk("@azure/keyvault-secrets", () => require("@azure/keyvault-secrets") as typeof import("@azure/keyvault-secrets"));
const appConfiguration = sdk("@azure/app-configuration", () => require("@azure/app-configuration") as typeof import("@azure/app-configuration"));

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
  /** How long one attempt of a request may wait for its answer (each retry has its own). Unset: no limit, the SDKs'
   *  default (they configure none). */
  requestTimeoutInMs?: number;
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
    // Per attempt, outermost first: an at-most-once write's lost answer (a timeout included) is not retried.
    additionalPolicies: [
      { policy: atMostOncePolicy(), position: "perRetry" as const },
      ...(options.requestTimeoutInMs ? [{ policy: requestTimeoutPolicy(options.requestTimeoutInMs), position: "perRetry" as const }] : []),
    ],
  };
}

/** The request header (never sent) marking a write that must not be sent twice (Key Vault's setSecret adds a version
 *  each time): when an attempt may have reached the service but its answer was lost (a dropped connection, a timeout),
 *  the SDK does not retry it; it fails with OUTCOME_UNKNOWN and the caller finds out whether it took effect. Answers
 *  the service gave (429, 5xx) are retried as usual. Set it through the operation's request options (`headers` in the
 *  modular clients such as Key Vault's, `customHeaders` in the others). */
export const AT_MOST_ONCE_HEADER = "x-linkwright-at-most-once";

/** The error of an AT_MOST_ONCE write whose answer was lost. */
export const OUTCOME_UNKNOWN = "OutcomeUnknown";

/** The transport errors after which a request may have reached the service (the SDKs' retry policy retries them). */
const LOST_ANSWER = new Set(["ECONNRESET", "ETIMEDOUT", "ESOCKETTIMEDOUT", "ECONNREFUSED", "ENOENT", "ENOTFOUND", "REQUEST_SEND_ERROR"]);

function atMostOncePolicy(): PipelinePolicy {
  // The header is taken off before the first attempt leaves; the request object stays the same across retries.
  const marked = new WeakSet<object>();
  return {
    name: "linkwrightAtMostOnce",
    sendRequest: async (request, next) => {
      if (request.headers.has(AT_MOST_ONCE_HEADER)) {
        marked.add(request);
        request.headers.delete(AT_MOST_ONCE_HEADER);
      }
      if (!marked.has(request)) return next(request);
      try {
        return await next(request);
      } catch (e) {
        const code = (e as { code?: string }).code;
        if ((e as Error).name !== "RestError" || !code || !LOST_ANSWER.has(code)) throw e;
        throw new RestError(`${request.method} ${request.url.split("?")[0]}: the answer was lost (${code}); the write may have taken effect.`, { code: OUTCOME_UNKNOWN, request });
      }
    },
  };
}

/** Sets each attempt's timeout (PipelineRequest.timeout), unless the caller set one. An attempt that times out is
 *  failed as a dropped connection (ETIMEDOUT), which the retry policy retries: the SDKs' own AbortError is never
 *  retried, so a write whose answer came late would fail although it took effect. */
function requestTimeoutPolicy(timeoutInMs: number): PipelinePolicy {
  return {
    name: "linkwrightRequestTimeout",
    sendRequest: async (request, next) => {
      if (!request.timeout) request.timeout = timeoutInMs;
      try {
        return await next(request);
      } catch (e) {
        if ((e as Error).name !== "AbortError" || request.abortSignal?.aborted) throw e;
        throw new RestError(`No answer within ${request.timeout} ms from ${request.method} ${request.url.split("?")[0]}.`, { code: "ETIMEDOUT", request });
      }
    },
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

/** Builds clients (and loads their SDKs) lazily and keeps one per (kind, subscription). */
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
    webApps: (s) => memo(`web/${s}`, () => new (appService().WebSiteManagementClient)(cred, s, common)),
    containerApps: (s) => memo(`app/${s}`, () => new (appContainers().ContainerAppsAPIClient)(cred, s, common)),
    authorization: (s) => memo(`authz/${s}`, () => new (authorization().AuthorizationManagementClient)(cred, s, common)),
    storage: (s) => memo(`storage/${s}`, () => new (storage().StorageManagementClient)(cred, s, common)),
    keyVault: (s) => memo(`kv/${s}`, () => new (keyVaultManagement().KeyVaultManagementClient)(cred, s, common)),
    msi: (s) => memo(`msi/${s}`, () => new (msi().ManagedServiceIdentityClient)(cred, s, common)),
    network: (s) => memo(`network/${s}`, () => new (network().NetworkManagementClient)(cred, s, common)),
    resources: (s) => memo(`resources/${s}`, () => new (resources().ResourceManagementClient)(cred, s, common)),
    monitor: (s) => memo(`monitor/${s}`, () => new (monitor().MonitorClient)(cred, s, common)),
    resourceGraph: () => memo("graph", () => new (resourceGraph().ResourceGraphClient)(cred, common)),
    secrets: (vaultUri) => memo(`secrets/${vaultUri.toLowerCase()}`, () => new (keyVaultSecrets().SecretClient)(vaultUri, cred, {
      retryOptions: common.retryOptions,
      userAgentOptions: common.userAgentOptions,
      additionalPolicies: common.additionalPolicies,
      // Honoured only for a vault on a loopback host (a local emulator): a vault anywhere else must prove it is Key Vault.
      disableChallengeResourceVerification: (options.disableKeyVaultChallengeResourceVerification ?? false) && isLoopbackHost(vaultUri),
    })),
    appConfiguration: (endpoint) => memo(`appconfig/${endpoint.toLowerCase()}`, () => new (appConfiguration().AppConfigurationClient)(endpoint, cred, {
      retryOptions: common.retryOptions,
      userAgentOptions: common.userAgentOptions,
      additionalPolicies: common.additionalPolicies,
    })),
    async dataPlaneToken(scope) {
      const token = await cred.getToken(scope);
      if (!token) throw new Error(`No token for ${scope} from linkwright's identity.`);
      return token.token;
    },
  };
}
