// The API under fuzz: the real router, the real Tables store (and health history) on Azurite, the real JWT
// authenticator against a local OpenID issuer and the real catalogue hooks — as test/api/harness.ts composes them, but
// without vitest (the chaos runner is a plain script) and with what the fuzz needs on top:
//  - a recording seam for everything that leaves the front door (orchestration starts, dry-run computations, loop
//    scans), so "a refused request started nothing" is one length comparison;
//  - an authorizer whose answer each request chooses (grant all, deny all, deny some actions);
//  - a snapshot of every row of every table the API writes (keys + ETags), so "a refused request changed nothing" is
//    checked against the store itself, not against what the code meant to write.
import { TableClient } from "@azure/data-tables";
import { createHash, randomUUID } from "node:crypto";
import { createCatalogueHooks } from "../../src/api/catalogueAdapter.js";
import { createJwtAuthenticator } from "../../src/api/auth/jwtAuthenticator.js";
import { route } from "../../src/api/router.js";
import type { ApiDeps, ApiRequest, ApiResponse } from "../../src/api/types.js";
import type { Authorizer } from "../../src/authorization/authorizer.js";
import { recommendedRoleFor } from "../../src/authorization/permissions.js";
import type { DryRunResult } from "../../src/connections/dryRun.js";
import { createHealthHistory, healthTableName } from "../../src/health/history.js";
import type { LoopScanReport } from "../../src/loops/service.js";
import type { ConnectionOrchestrations } from "../../src/model/operations.js";
import { createSealer } from "../../src/secrets/seal.js";
import { tableNames } from "../../src/store/tableClients.js";
import { createTableStore, dryrunTableName } from "../../src/store/tableStore.js";
import type { ConnectionStore } from "../../src/store/types.js";
import { startLocalIssuer, type LocalIssuer } from "../auth/localIssuer.js";

/** What a request may do, as the fuzz chooses it: everything, nothing, or all but the actions whose hash is odd. */
export type AccessMode = "grant" | "deny" | "denySome";

/** Everything the front door handed over to the layers behind it (none of which the fuzz runs). */
export interface SeamCall {
  kind: "createOrUpdate" | "delete" | "validate" | "dryRun" | "loopScan";
  detail: string;
}

export interface ApiUnderTest {
  deps: ApiDeps;
  store: ConnectionStore;
  issuer: LocalIssuer;
  seam: SeamCall[];
  /** Unexpected errors the router reported (each one is also a 500). */
  reported: unknown[];
  access: AccessMode;
  /** Every row of every table the API writes: table, keys and ETag, sorted. */
  snapshot(): Promise<string>;
  call(request: ApiRequest): Promise<ApiResponse>;
  /** Drops this instance's tables. */
  dispose(): Promise<void>;
}

const oddHash = (s: string) => (createHash("sha1").update(s).digest()[0]! & 1) === 1;

function switchableAuthorizer(mode: () => AccessMode): Authorizer {
  return {
    async decide(_who, required) {
      const m = mode();
      const missing = required.filter((r) => m === "deny" || (m === "denySome" && oddHash(r.action)))
        .map((r) => ({ ...r, recommendedRole: recommendedRoleFor(r.action) }));
      return { allowed: missing.length === 0, missing, checked: required };
    },
    prefetch: () => undefined,
  };
}

function emptyLoopReport(): LoopScanReport {
  return {
    checkedAt: new Date().toISOString(), findings: [], suppressed: [], posted: [],
    stats: { apps: 0, functions: 0, edges: 0, unanalyzedTriggers: {}, scannedApps: [], problems: [], missingApps: [] },
  } as unknown as LoopScanReport;
}

export async function createApiUnderTest(options: { connectionString: string; tablePrefix: string; issuer?: LocalIssuer }): Promise<ApiUnderTest> {
  const { connectionString, tablePrefix } = options;
  const issuer = options.issuer ?? await startLocalIssuer();
  const storage = { connectionString, tablePrefix, allowInsecureConnection: true };
  const [store, history] = await Promise.all([createTableStore(storage), createHealthHistory(storage)]);
  const seam: SeamCall[] = [];
  const reported: unknown[] = [];
  const record = (kind: SeamCall["kind"], detail: string) => { seam.push({ kind, detail }); };
  const orchestrations: ConnectionOrchestrations = {
    startCreateOrUpdate: async (input) => record("createOrUpdate", input.operationId),
    startDelete: async (input) => record("delete", input.operationId),
    startValidate: async (input) => record("validate", input.operationId),
  };
  const tables = [...Object.values(tableNames(tablePrefix)), dryrunTableName(tablePrefix), healthTableName(tablePrefix)];
  const clients = tables.map((name) => TableClient.fromConnectionString(connectionString, name, { allowInsecureConnection: true }));
  const api: ApiUnderTest = {
    store, issuer, seam, reported,
    access: "grant",
    deps: {
      store,
      orchestrations,
      catalogue: createCatalogueHooks(),
      authenticator: createJwtAuthenticator({ issuer: issuer.issuer, armAudiences: ["https://management.azure.com/"] }),
      authorizer: switchableAuthorizer(() => api.access),
      sealer: createSealer("chaos-seal-key-0123456789abcdefghijklmnop"),
      clock: () => new Date(),
      newId: () => randomUUID(),
      location: "westus",
      pageSize: 20,
      reportError: (error) => { reported.push(error); },
      // Behind the front door: recorded, answered with a fixed plan (the fuzz is about the door, not the plan).
      dryRun: async (x) => {
        record("dryRun", `${x.sourceId}|${x.linkerName}`);
        const result: DryRunResult = { prerequisiteResults: [], operationPreviews: [], required: [{ scope: x.sourceId, action: "Microsoft.Web/sites/config/write", why: "write the settings" }] };
        return result;
      },
      loops: {
        scan: async (scope) => { record("loopScan", JSON.stringify(scope).slice(0, 200)); return emptyLoopReport(); },
        healthOf: async () => undefined,
      },
      health: { history },
    },
    async snapshot() {
      const rows: string[] = [];
      await Promise.all(clients.map(async (client, i) => {
        for await (const row of client.listEntities({ queryOptions: { select: ["PartitionKey", "RowKey"] } })) {
          rows.push(`${tables[i]}|${row.partitionKey}|${row.rowKey}|${row.etag}`);
        }
      }));
      return rows.sort().join("\n");
    },
    call: (request) => route(request, api.deps),
    async dispose() {
      await Promise.all(clients.map((c) => c.deleteTable().catch(() => undefined)));
    },
  };
  return api;
}
