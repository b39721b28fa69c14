// The composition root: the app settings read once (src/config/settings.ts), and from them one runtime per worker —
// linkwright's identity and ARM clients, its storage, the connection store, the sealer, the authorizer, the
// activities, health and loop detection. Every part is built on first use and shared; src/functions/* take their
// handlers from here and do nothing else.
import { randomUUID } from "node:crypto";
import type { TokenCredential } from "@azure/core-auth";
import { createJwtAuthenticator } from "../api/auth/jwtAuthenticator.js";
import { createCatalogueHooks } from "../api/catalogueAdapter.js";
import type { ApiDeps } from "../api/types.js";
import { createAuthorizer, type Authorizer } from "../authorization/authorizer.js";
import type { ArmClients } from "../azure/clients.js";
import { createAppCredential, createOnBehalfOf, createStorageCredential } from "../azure/credential.js";
import { ownArmClients } from "../azure/ownClients.js";
import type { StorageConnection } from "../azure/ownStorage.js";
import { processSettings, type Settings, type StorageAccount } from "../config/settings.js";
import { createChangeRequirements } from "../connections/changeRequirements.js";
import { createDryRunService } from "../connections/dryRun.js";
import { createTenantPreflight } from "../connections/tenantCheck.js";
import { createSealer, type Sealer } from "../secrets/seal.js";
import type { StepContext } from "../steps/step.js";
import { createTableStore, type TableStoreOptions } from "../store/tableStore.js";
import type { ConnectionStore } from "../store/types.js";
import { createOperationRecords } from "../store/operationRecords.js";
import { createConnectionActivities, type ConnectionActivities } from "../activities/connectionActivities.js";
import { createHealthRuntime, lazyHealthHistory, type HealthRuntime } from "./healthRuntime.js";
import { createLoopRuntime, lazyLoopScanService, type LoopRuntime } from "./loopRuntime.js";

/** Everything the API needs but the invocation's Durable client (the orchestrations are bound per request). */
export type ApiBaseDeps = Omit<ApiDeps, "orchestrations">;

export interface Runtime {
  readonly settings: Settings;
  /** linkwright's own ARM clients (the one client factory with its managed identity). */
  clients(): ArmClients;
  /** AzureWebJobsStorage: the queues linkwright writes to. */
  hostStorage(): StorageConnection;
  /** Where the connection, history and findings tables live, with their prefix. */
  tables(): TableStoreOptions;
  sealer(): Sealer;
  authorizer(): Authorizer;
  /** What a step needs to run: clients, sealer, the platform's policy, database settings. */
  stepContext(): StepContext;
  store(): Promise<ConnectionStore>;
  activities(): Promise<ConnectionActivities>;
  health(): Promise<HealthRuntime>;
  loops(): Promise<LoopRuntime>;
  /** The API's dependencies (the orchestrations and per-request overrides are added by src/app/serviceLinkerApi.ts). */
  api(reportError: ApiDeps["reportError"]): Promise<ApiBaseDeps>;
}

export interface RuntimeOptions {
  /** linkwright's credential (default: its managed identity, as the settings name it). */
  credential?: TokenCredential;
  clock?: () => Date;
  log?: (message: string) => void;
}

/** A value made on first use, then shared. */
function lazy<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

/** A promise made once; a failure is not kept (the next call tries again, e.g. after storage came up). */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= make().catch((error: unknown) => {
    value = undefined;
    throw error;
  }));
}

function storageConnection(account: StorageAccount, allowInsecureConnection: boolean): StorageConnection {
  return account.kind === "connectionString"
    ? { connectionString: account.connectionString, allowInsecureConnection }
    : { tableServiceUri: account.tableServiceUri, queueServiceUri: account.queueServiceUri, credential: createStorageCredential(account), allowInsecureConnection };
}

export function createRuntime(settings: Settings, options: RuntimeOptions = {}): Runtime {
  const clock = options.clock ?? (() => new Date());
  const log = options.log ?? ((m: string) => console.info(m));
  const clients = lazy(() => ownArmClients(settings.azure, options.credential ?? createAppCredential(settings.azure)));
  const hostStorage = lazy(() => storageConnection(settings.storage.host, settings.storage.allowInsecure));
  const tables = lazy((): TableStoreOptions => ({ ...storageConnection(settings.storage.tables, settings.storage.allowInsecure), tablePrefix: settings.storage.tablePrefix }));
  const sealer = lazy(() => createSealer(settings.api.sealKey));
  const stepContext = lazy((): StepContext => ({ clients: clients(), sealer: sealer(), policy: settings.policy, databases: settings.databases }));
  const authorizer = lazy(() => {
    const onBehalfOf = createOnBehalfOf(settings.azure, settings.authorization);
    return createAuthorizer({
      ownClients: clients(),
      clientsFor: (callerCredential) => ownArmClients(settings.azure, callerCredential),
      ...(onBehalfOf ? { onBehalfOf } : {}),
      cacheSeconds: settings.authorization.permissionCacheSeconds,
    });
  });
  const store = once(() => createTableStore(tables()));
  const records = async () => createOperationRecords({ store: await store(), clock, newId: randomUUID, location: settings.api.region });

  const runtime: Runtime = {
    settings, clients, hostStorage, tables, sealer, authorizer, stepContext, store,
    activities: once(async () => createConnectionActivities({
      ...stepContext(), store: await store(), records: await records(), now: clock,
      propagation: { windowMs: settings.rolePropagationMs, initialDelayMs: 200 },
    })),
    health: once(async () => createHealthRuntime({
      settings: settings.health, region: settings.api.region, store: await store(), tables: tables(), hostStorage: hostStorage(),
      clients: clients(), sealer: sealer(), databases: settings.databases, clock, log,
    })),
    loops: once(async () => createLoopRuntime({ settings: settings.loops, store: await store(), tables: tables(), hostStorage: hostStorage(), clients: clients(), clock })),
    async api(reportError) {
      const auth = settings.authorization;
      return {
        store: await store(),
        catalogue: createCatalogueHooks(settings.policy),
        authenticator: createJwtAuthenticator({
          issuer: auth.openIdIssuer, armAudiences: auth.armAudiences, requiredScope: auth.requiredScope, appRole: auth.appRole,
          ...(auth.appAudience ? { appAudience: auth.appAudience } : {}),
        }),
        authorizer: authorizer(),
        sealer: sealer(),
        clock,
        newId: () => randomUUID(),
        location: settings.api.region,
        pageSize: settings.api.pageSize,
        reportError,
        preflight: createTenantPreflight(clients()),
        dryRun: createDryRunService(stepContext()),
        requirementsForChange: createChangeRequirements(stepContext()),
        health: { history: lazyHealthHistory(runtime.health) },
        loops: lazyLoopScanService(runtime.loops),
      };
    },
  };
  return runtime;
}

let processRuntime: Runtime | undefined;

/** The worker's runtime: settings read from the process on first use, then shared by every invocation. */
export function appRuntime(): Runtime {
  return (processRuntime ??= createRuntime(processSettings()));
}
