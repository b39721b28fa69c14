// Test harness for the API layer: the real router + real Tables store on Azurite + a real JWT
// authenticator against a local OpenID issuer + the real catalogue hooks. The orchestrations are
// a recorder (the durable side is not part of this layer); `complete*` helpers play the worker.
import { TableClient } from "@azure/data-tables";
import { randomUUID } from "node:crypto";
import { inject } from "vitest";
import { createCatalogueHooks } from "../../src/api/catalogueAdapter.js";
import type { ConnectionOrchestrations, CreateOrUpdateStart, DeleteStart, ValidateStart } from "../../src/model/operations.js";
import { route } from "../../src/api/router.js";
import type { ApiDeps, ApiResponse } from "../../src/api/types.js";
import { createJwtAuthenticator } from "../../src/api/auth/jwtAuthenticator.js";
import { createSealer } from "../../src/secrets/seal.js";
import { tableNames } from "../../src/store/tableClients.js";
import { createTableStore } from "../../src/store/tableStore.js";
import type { ConnectionStore } from "../../src/store/types.js";
import { startLocalIssuer, type LocalIssuer } from "../auth/localIssuer.js";
import type { Authorizer } from "../../src/authorization/authorizer.js";

/** The API layer's tests are about the wire (shapes, paging, LROs, preconditions), with no ARM to ask: every caller
 *  is granted what it asks for, and what was asked is recorded. Caller authorization itself is proven against the
 *  real ARM emulator in test/security/. */
export function grantingAuthorizer(asked: { scope: string; action: string }[] = []): Authorizer {
  return {
    decide: async (_who, required) => { asked.push(...required); return { allowed: true, missing: [], checked: required }; },
    prefetch: () => undefined,
  };
}

export const BASE = "https://linkwright.test";
export const SUB = "00000000-0000-0000-0000-00000000aaaa";
export const WEBAPP = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Web/sites/app1`;
export const BLOB = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa1/blobServices/default`;
export const FILES = `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa1/fileServices/default`;
export const API = "2024-04-01";

export type StartCall =
  | { kind: "createOrUpdate"; input: CreateOrUpdateStart }
  | { kind: "delete"; input: DeleteStart }
  | { kind: "validate"; input: ValidateStart };

export interface Harness {
  deps: ApiDeps;
  store: ConnectionStore;
  issuer: LocalIssuer;
  calls: StartCall[];
  /** Makes the next start call throw. */
  failNextStart(): void;
  token: string;
  call(method: string, path: string, options?: { body?: unknown; rawBody?: string; apiVersion?: string | null; token?: string | null; headers?: Record<string, string> }): Promise<ApiResponse>;
  /** Every row of this harness's tables, serialised (for secret scans). */
  dumpTables(): Promise<string>;
  close(): Promise<void>;
}

export async function createHarness(prefix: string, options: { onStart?: (call: StartCall, store: ConnectionStore) => void } = {}): Promise<Harness> {
  const { connectionString } = inject("azurite");
  const issuer = await startLocalIssuer();
  const store = await createTableStore({ connectionString, tablePrefix: prefix, allowInsecureConnection: true });
  const calls: StartCall[] = [];
  let failNext = false;
  const record = async (call: StartCall) => {
    calls.push(call);
    options.onStart?.(call, store);
    if (failNext) {
      failNext = false;
      throw new Error("durable client unavailable");
    }
  };
  const orchestrations: ConnectionOrchestrations = {
    startCreateOrUpdate: (input) => record({ kind: "createOrUpdate", input }),
    startDelete: (input) => record({ kind: "delete", input }),
    startValidate: (input) => record({ kind: "validate", input }),
  };
  const errors: unknown[] = [];
  const deps: ApiDeps = {
    store,
    orchestrations,
    catalogue: createCatalogueHooks(),
    authenticator: createJwtAuthenticator({ issuer: issuer.issuer, armAudiences: ["https://management.azure.com/"] }),
    authorizer: grantingAuthorizer(),
    sealer: createSealer("test-seal-key-0123456789abcdefghijklmnop"),
    clock: () => new Date(),
    newId: () => randomUUID(),
    location: "westus",
    pageSize: 100,
    reportError: (error) => errors.push(error),
  };
  const token = await issuer.token();
  return {
    deps, store, issuer, calls, token,
    failNextStart: () => { failNext = true; },
    async call(method, path, options = {}) {
      const apiVersion = options.apiVersion === undefined ? API : options.apiVersion;
      const sep = path.includes("?") ? "&" : "?";
      const url = `${BASE}${path}${apiVersion === null ? "" : `${sep}api-version=${apiVersion}`}`;
      const headers: Record<string, string> = { ...(options.headers ?? {}) };
      const bearer = options.token === undefined ? token : options.token;
      if (bearer !== null) headers["authorization"] = `Bearer ${bearer}`;
      const body = options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
      const response = await route({ method, url, headers, ...(body !== undefined ? { body } : {}) }, deps);
      if (response.status >= 500 && errors.length > 0 && !String(errors.at(-1)).includes("durable client unavailable")) throw errors.at(-1);
      return response;
    },
    async dumpTables() {
      const names = tableNames(prefix);
      const rows: unknown[] = [];
      for (const name of Object.values(names)) {
        const client = TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection: true });
        for await (const row of client.listEntities()) rows.push(row);
      }
      return JSON.stringify(rows);
    },
    close: () => issuer.close(),
  };
}

export const linkerPath = (name: string, source = WEBAPP) => `${source}/providers/Microsoft.ServiceLinker/linkers/${name}`;

export function blobLinker(overrides: Record<string, unknown> = {}): { properties: Record<string, unknown> } {
  return {
    properties: {
      targetService: { type: "AzureResource", id: BLOB },
      authInfo: { authType: "systemAssignedIdentity" },
      clientType: "dotnet",
      ...overrides,
    },
  };
}

/** The operation id at the end of an Azure-AsyncOperation / Location URL. */
export function operationIdOf(url: string): string {
  return new URL(url).pathname.split("/").at(-1)!;
}
