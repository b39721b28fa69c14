// startArmEmulator(): the ARM-compatible HTTPS emulator the real Azure SDK clients talk to unchanged.
// In-process (tests, port 0) or from sandbox/start.ts (fixed port, persistent store).
import https from "node:https";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { AddressInfo, Socket } from "node:net";
import type { CoreServices, Provider } from "./core/contract.js";
import { BUILTIN_ROLES } from "./core/builtin-roles.js";
import { ensureCertificates, DEFAULT_CERT_DIR } from "./core/certs.js";
import { Router } from "./core/router.js";
import { MemoryResourceStore } from "./core/store.js";
import { ControlState } from "./core/control.js";
import { OperationTracker } from "./core/lro.js";
import { ActivityLog } from "./core/activity-log.js";
import { EventGridFanout, type SubscriberSpec } from "./core/event-grid.js";
import { RbacEvaluator, ROLE_ASSIGNMENT_TYPE } from "./core/rbac.js";
import { createArmHandler, type CoreParts } from "./core/server.js";
import { createServices } from "./core/services.js";
import { createControlApi, handleControlRequest, type ControlApi, type EmulatorSnapshot } from "./core/control-api.js";
import { instantiate, type CoreProviderDeps, type ProviderEntry } from "./core/provider-registry.js";
import { Directory, type Principal } from "./identity/principals.js";
import { TokenService } from "./identity/tokens.js";
import { identityProvider } from "./identity/oauth-routes.js";
import { ManagedIdentityEndpoint } from "./identity/msi-routes.js";
import { providers as registeredProviders } from "./providers/index.js";
import { subscriptionResource } from "./providers/resources.js";
import { roleDefinitionId, validateCondition } from "./providers/authorization.js";
import { audienceOf } from "./identity/tokens.js";
import type { TokenExtras } from "./core/control-api.js";
import type { DenyAssignmentInput } from "./core/deny-assignments.js";

export interface AzuriteEndpoints {
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  connectionString: string;
  accountName?: string;
  accountKey?: string;
}

export interface ArmEmulatorOptions {
  /** Folder for the CA + server certificate (generated on first use). Default `.sandbox/certs`. */
  certDir?: string;
  /** Port on 127.0.0.1; 0 (default) = ephemeral. */
  port?: number;
  /** Fixed tenant / subscription ids (generated when omitted). */
  tenantId?: string;
  subscriptionId?: string;
  /** Azurite endpoints: storage providers point accounts there; queue event subscribers deliver there. */
  azurite?: AzuriteEndpoints;
  /** Seed the demo principals/RG (sandbox/seed); default false: only the tenant, subscription and `admin`/`reader` principals. */
  seed?: boolean;
  /** Folder for a persistent store (store.json, principals.json, the token signing key signing-key.json); omit for
   *  in-memory. */
  persistenceDir?: string;
  /** Extra providers (besides sandbox/arm/providers/index.ts). */
  providers?: ProviderEntry[];
  /** Event subscribers registered at start. */
  eventSubscribers?: SubscriberSpec[];
  /** Default page size of list operations (default 100); small values let tests exercise nextLink paging. */
  pageSize?: number;
  /** Polls an LRO reports InProgress before Succeeded (default 1). */
  lroPolls?: number;
  /** Log sink (default: console.error for errors only). */
  log?: (line: string) => void;
}

export interface PrincipalCredentials {
  objectId: string;
  clientId: string;
  clientSecret: string;
  displayName: string;
}

export interface ArmEmulator {
  /** e.g. https://127.0.0.1:4433 — use as SDK `endpoint` and as @azure/identity `authorityHost`. */
  endpoint: string;
  caCertFile: string;
  tenantId: string;
  subscriptionId: string;
  store: MemoryResourceStore;
  services: CoreServices;
  principals: Directory;
  /** `admin` (Owner on the subscription) and `reader` (Reader on the subscription); with the seed also `team`
   *  (Contributor on lw-demo-web, Role Based Access Control Administrator on lwdemostorage). */
  credentials: { admin: PrincipalCredentials; reader: PrincipalCredentials; team?: PrincipalCredentials };
  control: ControlApi;
  /**
   * A signed access token for a principal (display name, objectId or clientId) and resource/scope (default ARM).
   * `extra.scp` adds delegated scopes (a user's token for an API, e.g. "user_impersonation"); `extra.roles` sets the
   * `roles` claim. Without `extra.roles`, an app principal's token for a registered API carries the app roles assigned
   * to it, as the token endpoint would issue (`roles: []` for none).
   */
  tokenFor(principal: string, resource?: string, extra?: TokenExtras): Promise<string>;
  /** Creates a deny assignment (read-only through ARM, as in Azure); returns it as ARM renders it. See core/deny-assignments.ts. */
  addDenyAssignment(input: DenyAssignmentInput): Record<string, unknown>;
  /** Removes a deny assignment by name or id. */
  removeDenyAssignment(nameOrId: string): boolean;
  /** IDENTITY_ENDPOINT + IDENTITY_HEADER for a process running as `principalId` (App Service MSI protocol). */
  managedIdentityEnvironment(principalId: string): { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  /** Assigns a built-in or custom role (GUID or name) to a principal at a scope, bypassing RBAC (seeding/tests);
   *  `options.condition` (ABAC, version 2.0) must be one the sandbox implements (core/abac.ts). Returns the assignment id. */
  assignRole(principalId: string, role: string, scope: string, options?: { condition?: string; conditionVersion?: string; description?: string }): string;
  /** Seeding result (resource ids) when started with seed: true. */
  seeded?: Record<string, string>;
  /** Full seeding result (resource group, linkwright's own identity, resource ids) when started with seed: true. */
  seedResult?: import("../seed/index.js").SeedResult;
  close(): Promise<void>;
}

export async function startArmEmulator(options: ArmEmulatorOptions = {}): Promise<ArmEmulator> {
  const log = options.log ?? ((line: string) => { if (/error/i.test(line)) console.error(line); });
  const certs = await ensureCertificates(options.certDir ?? DEFAULT_CERT_DIR);
  const persist = options.persistenceDir ? path.resolve(options.persistenceDir) : undefined;
  const store = new MemoryResourceStore(persist && path.join(persist, "store.json"));
  const existingSub = store.all().find((r) => r.type === "Microsoft.Resources/subscriptions");
  const tenantId = options.tenantId ?? (existingSub?.tenantId as string | undefined) ?? randomUUID();
  const subscriptionId = options.subscriptionId ?? existingSub?.name ?? randomUUID();
  const directory = new Directory(tenantId);
  const tokens = await TokenService.create(persist && path.join(persist, "signing-key.json"));
  const rbac = new RbacEvaluator(store);
  const control = new ControlState();
  const operations = new OperationTracker(options.lroPolls ?? 1);
  const activity = new ActivityLog();
  const events = new EventGridFanout(options.azurite?.connectionString, certs.ca);
  const router = new Router();
  const apiVersionsSeen = new Map<string, Set<string>>();
  const heldSockets = new Set<Socket>();
  let endpoint = "";

  const azurite = options.azurite && {
    blobEndpoint: options.azurite.blobEndpoint, queueEndpoint: options.azurite.queueEndpoint,
    tableEndpoint: options.azurite.tableEndpoint, connectionString: options.azurite.connectionString,
    accountName: options.azurite.accountName ?? "devstoreaccount1",
    accountKey: options.azurite.accountKey ?? /AccountKey=([^;]+)/.exec(options.azurite.connectionString)?.[1] ?? "",
  };
  let core!: CoreParts;
  const { services, closeDataPlanes } = createServices({
    tenantId, directory, tokens, rbac, control, operations, activity, tls: { key: certs.key, cert: certs.cert },
    baseUrl: () => endpoint, core: () => core, azurite, pageSize: options.pageSize,
  });

  const msi = new ManagedIdentityEndpoint(tokens, directory, tenantId);
  const deps: CoreProviderDeps = { activity, rbac, directory, operations, tenantId };
  router.addProvider(identityProvider({ tokens, directory, tenantId }));
  router.addProvider(msi.provider());
  const entries = [...registeredProviders, ...(options.providers ?? [])];
  for (const entry of entries) {
    let provider: Provider;
    try {
      provider = instantiate(entry, deps);
    } catch (e) {
      throw new Error(`ARM emulator: a provider failed to initialise: ${(e as Error).message}`);
    }
    router.addProvider(provider);
  }

  // Principals: restore from persistence or create the two test principals.
  const principalsFile = persist && path.join(persist, "principals.json");
  if (principalsFile && existsSync(principalsFile)) directory.restore(JSON.parse(readFileSync(principalsFile, "utf8")));
  const admin = directory.byName("admin") ?? directory.addServicePrincipal("admin");
  const reader = directory.byName("reader") ?? directory.addServicePrincipal("reader");

  if (!store.get(`/subscriptions/${subscriptionId}`)) store.put(subscriptionResource(subscriptionId, tenantId, "linkwright sandbox"));
  const subScope = `/subscriptions/${subscriptionId}`;

  const assignRole = (principalId: string, role: string, scope: string,
    opts: { condition?: string; conditionVersion?: string; description?: string } = {}): string => {
    const def = rbac.roleDefinition(role) ?? BUILTIN_ROLES.find((r) => r.roleName.toLowerCase() === role.toLowerCase());
    if (!def) throw new Error(`unknown role '${role}'`);
    const condition = validateCondition(opts.condition, opts.conditionVersion);
    const existing = store.all().find((r) => r.type === ROLE_ASSIGNMENT_TYPE
      && (r.properties as { principalId: string }).principalId.toLowerCase() === principalId.toLowerCase()
      && String((r.properties as { scope: string }).scope).toLowerCase() === scope.toLowerCase()
      && String((r.properties as { roleDefinitionId: string }).roleDefinitionId).toLowerCase().endsWith(def.name));
    if (existing) {
      const ep = existing.properties as { condition?: string | null; description?: string | null };
      // Only what the caller passes is changed (a re-seed without options keeps a condition set since).
      if ((opts.condition !== undefined && (ep.condition ?? null) !== condition.condition) || (opts.description !== undefined && ep.description !== opts.description)) {
        store.put({ ...existing, properties: { ...existing.properties, ...(opts.condition !== undefined ? condition : {}),
          description: opts.description ?? ep.description ?? null, updatedOn: new Date().toISOString() } });
      }
      return existing.id;
    }
    const name = randomUUID();
    const p = directory.get(principalId);
    const now = new Date().toISOString();
    const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
    store.put({
      id, name, type: ROLE_ASSIGNMENT_TYPE,
      properties: { roleDefinitionId: roleDefinitionId(scope, def.name), principalId, principalType: p?.principalType ?? "ServicePrincipal",
        scope, ...condition, description: opts.description ?? null, createdOn: now, updatedOn: now, createdBy: null, updatedBy: null },
    });
    return id;
  };
  assignRole(admin.objectId, "Owner", subScope);
  assignRole(reader.objectId, "Reader", subScope);

  const resolvePrincipal = (name: string): Principal => {
    const p = directory.byName(name) ?? directory.get(name) ?? directory.byClientId(name);
    if (!p) throw new Error(`no principal '${name}' in the sandbox directory`);
    return p;
  };
  const tokenFor = async (principal: string, resource = "https://management.azure.com", extra: TokenExtras = {}): Promise<string> => {
    const p = resolvePrincipal(principal);
    const api = directory.application(audienceOf(resource));
    const roles = extra.roles ?? (api && p.principalType !== "User" ? directory.appRolesOf(p.objectId, api) : []);
    const issued = await tokens.issue(endpoint, {
      oid: p.objectId, tid: tenantId, appid: p.clientId, idtyp: p.principalType === "User" ? "user" : "app",
      name: p.displayName, upn: p.userPrincipalName,
      ...(extra.scp ? { scp: extra.scp } : {}), ...(roles.length ? { roles } : {}),
    }, resource);
    return issued.accessToken;
  };

  let baseline: EmulatorSnapshot = { store: store.snapshot(), principals: directory.snapshot() };
  const controlDeps = {
    store, directory, control, activity, events, operations, apiVersionsSeen,
    baseline: () => baseline, issueToken: tokenFor,
  };
  const controlApi = createControlApi(controlDeps);

  core = {
    router, store, directory, tokens, rbac, control, operations, activity, events, services, tenantId,
    apiVersionsSeen, heldSockets, log,
    handleControl: (req, res, p, q, body) => handleControlRequest(controlApi, controlDeps, req, res, p, q, body),
  };
  const server = https.createServer({ key: certs.key, cert: certs.cert }, createArmHandler(core));
  server.headersTimeout = 30_000;
  server.requestTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => { server.off("error", reject); resolve(); });
  });
  endpoint = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let seedResult: import("../seed/index.js").SeedResult | undefined;
  const emulator: ArmEmulator = {
    endpoint, caCertFile: certs.caCertFile, tenantId, subscriptionId, store, services, principals: directory,
    credentials: {
      admin: { objectId: admin.objectId, clientId: admin.clientId!, clientSecret: admin.clientSecret!, displayName: admin.displayName },
      reader: { objectId: reader.objectId, clientId: reader.clientId!, clientSecret: reader.clientSecret!, displayName: reader.displayName },
    },
    control: controlApi,
    tokenFor,
    addDenyAssignment: (input) => controlApi.addDenyAssignment(input),
    removeDenyAssignment: (nameOrId) => controlApi.removeDenyAssignment(nameOrId),
    managedIdentityEnvironment: (principalId) => msi.environmentFor(endpoint, principalId),
    assignRole,
    get seeded() { return seedResult?.resources; },
    get seedResult() { return seedResult; },
    async close() {
      for (const s of heldSockets) s.destroy();
      await events.flush(2_000);
      await closeDataPlanes();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      if (persist) {
        store.flush();
        mkdirSync(persist, { recursive: true });
        writeFileSync(principalsFile!, JSON.stringify(directory.snapshot()), { mode: 0o600 });
      }
    },
  };

  if (options.seed) {
    const { seedSandbox } = await import("../seed/index.js");
    seedResult = await seedSandbox(emulator, log);
    const team = directory.get(seedResult.team.objectId);
    if (team) emulator.credentials.team = { objectId: team.objectId, clientId: team.clientId!, clientSecret: team.clientSecret!, displayName: team.displayName };
  }
  for (const spec of options.eventSubscribers ?? []) await events.subscribe(spec);
  if (persist) {
    store.flush();
    mkdirSync(persist, { recursive: true });
    writeFileSync(principalsFile!, JSON.stringify(directory.snapshot()), { mode: 0o600 });
  }
  baseline = { store: store.snapshot(), principals: directory.snapshot() };
  return emulator;
}


export type { ControlApi, EmulatorSnapshot, TokenExtras } from "./core/control-api.js";
export type { DenyAssignmentInput, DenyPrincipal } from "./core/deny-assignments.js";
export { EVERYONE } from "./core/deny-assignments.js";
export type { SubscriberSpec } from "./core/event-grid.js";
export { ROLE_IDS } from "./core/builtin-roles.js";
