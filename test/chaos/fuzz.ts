// The fuzz run (issue #15): seeded requests (requests.ts) through the real router and store (api.ts), every exchange
// checked by the oracle (oracle.ts). Requests run in segments of SEGMENT_SIZE, each on fresh tables, so the store a
// request meets depends only on the seed and the requests before it in its segment: request i is replayed by running
// segment ⌊i / SEGMENT_SIZE⌋ up to it (`only`).
import { randomUUID } from "node:crypto";
import { startLocalIssuer, type LocalIssuer } from "../auth/localIssuer.js";
import { createApiUnderTest, type ApiUnderTest } from "./api.js";
import { mustNotChange, violationsOf, type ViolationKind } from "./oracle.js";
import { DIMENSIONS, ETAG_PLACEHOLDER, OP_PLACEHOLDER, sampleRequests, type AuthKind, type Dimension, type FuzzRequest } from "./requests.js";
import type { ApiRequest, ApiResponse } from "../../src/api/types.js";

export const SEGMENT_SIZE = 250;

export interface FuzzOptions {
  seed: number;
  requests: number;
  /** Azurite (or any Tables endpoint). */
  connectionString: string;
  /** Replay: run only the segment holding this request index, up to it, and log the exchange. */
  only?: number;
  log?: (line: string) => void;
}

export interface Violation {
  index: number;
  dimension: Dimension;
  cell: string;
  kind: ViolationKind;
  detail: string;
  request: string;
}

export interface CellFigure { dimension: Dimension; cell: string; requests: number; failed: number }

export interface FuzzReport {
  seed: number;
  requests: number;
  ms: number;
  byStatus: Record<number, number>;
  atLeast500: number;
  errors4xx: number;
  envelopeViolations: number;
  refused: number;
  /** Refused requests (≥ 400) after which a table row or the seam differed. */
  stateChangesForRefused: number;
  /** GETs (any status) after which a table row or the seam differed. */
  stateChangesForGets: number;
  headerViolations: number;
  slowest: { ms: number; index: number; cell: string };
  violations: Violation[];
  cells: CellFigure[];
}

/** The Authorization header of each kind (undefined: none sent). */
async function mintAuthorizations(issuer: LocalIssuer): Promise<Record<AuthKind, string | undefined>> {
  const valid = await issuer.token();
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const [payload] = [valid.split(".")[1]!];
  return {
    valid: `Bearer ${valid}`,
    missing: undefined,
    emptyBearer: "Bearer ",
    basic: "Basic dXNlcjpwYXNzd29yZA==",
    lowercaseScheme: `bearer ${valid}`,
    extraSpaces: `Bearer    ${valid}   `,
    garbage: "Bearer abc.def.ghi",
    expired: `Bearer ${await issuer.token({}, { expiresInSeconds: -3600 })}`,
    notYetValid: `Bearer ${await issuer.token({}, { notBeforeSeconds: 3600 })}`,
    wrongAudience: `Bearer ${await issuer.token({}, { audience: "api://someone-else" })}`,
    strangerKey: `Bearer ${await issuer.token({}, { key: "stranger" })}`,
    wrongIssuer: `Bearer ${await issuer.token({}, { issuer: "https://evil.example/" })}`,
    noObjectId: `Bearer ${await issuer.token({ oid: undefined, tid: undefined })}`,
    algNone: `Bearer ${b64({ alg: "none", typ: "JWT" })}.${payload}.`,
    appOnly: `Bearer ${await issuer.token({ idtyp: "app", scp: undefined, roles: ["Connections.ReadWrite"] })}`,
    huge: `Bearer ${"a".repeat(100_000)}`,
    twoTokens: `Bearer ${valid} ${valid}`,
    truncated: `Bearer ${valid.slice(0, -12)}`,
  };
}

/** What the run learnt from responses, for requests that name a real operation or ETag. */
interface Memory { operations: string[]; etags: string[] }

function learn(memory: Memory, response: ApiResponse): void {
  const header = (name: string) => Object.entries(response.headers).find(([k]) => k.toLowerCase() === name)?.[1];
  const status = header("azure-asyncoperation");
  // The id is the last path segment, whatever the link's origin (the oracle judges the link itself).
  const id = status?.split("?")[0]?.split("/").at(-1);
  if (id && !memory.operations.includes(id)) memory.operations.push(id);
  const etag = header("etag");
  if (etag && !memory.etags.includes(etag)) memory.etags.push(etag);
}

function resolve(r: FuzzRequest, memory: Memory, auth: Record<AuthKind, string | undefined>): ApiRequest {
  const pick = (xs: string[], fallback: string) => (xs.length ? xs[r.index % xs.length]! : fallback);
  const operation = pick(memory.operations, `00000000-0000-4000-8000-${String(r.index).padStart(12, "0")}`);
  const etag = pick(memory.etags, "W/\"datetime'2000-01-01T00%3A00%3A00.000Z'\"");
  const headers: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = v.replaceAll(ETAG_PLACEHOLDER, etag);
  const authorization = auth[r.auth];
  if (authorization !== undefined) headers["authorization"] = authorization;
  return { method: r.method, url: r.url.replaceAll(OP_PLACEHOLDER, operation), headers, ...(r.body !== undefined ? { body: r.body } : {}) };
}

function describe(r: ApiRequest): string {
  const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);
  const headers = Object.entries(r.headers).map(([k, v]) => `${k}: ${clip(k === "authorization" ? (v ?? "").slice(0, 20) + "…" : v ?? "", 80)}`).join("; ");
  return `${JSON.stringify(r.method)} ${clip(r.url, 300)} [${headers}]${r.body !== undefined ? ` body ${JSON.stringify(clip(r.body, 300))}` : ""}`;
}

export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  const issuer = await startLocalIssuer();
  const auth = await mintAuthorizations(issuer);
  const report: FuzzReport = {
    seed: options.seed, requests: 0, ms: 0, byStatus: {}, atLeast500: 0, errors4xx: 0, envelopeViolations: 0, refused: 0,
    stateChangesForRefused: 0, stateChangesForGets: 0, headerViolations: 0, slowest: { ms: 0, index: -1, cell: "" }, violations: [], cells: [],
  };
  const cells = new Map<string, CellFigure>();
  const segments = Math.ceil(options.requests / SEGMENT_SIZE);
  const run = `${(options.seed >>> 0).toString(36)}${randomUUID().slice(0, 4)}`;
  try {
    for (let s = 0; s < segments; s++) {
      if (options.only !== undefined && Math.floor(options.only / SEGMENT_SIZE) !== s) continue;
      const first = s * SEGMENT_SIZE;
      const count = Math.min(SEGMENT_SIZE, options.requests - first);
      // Each segment draws from its own seed (seed + segment): replaying one needs no other.
      const requests = sampleRequests((options.seed + s) | 0, count, first);
      const api: ApiUnderTest = await createApiUnderTest({ connectionString: options.connectionString, tablePrefix: `chaos${run}s${s}`, issuer });
      const memory: Memory = { operations: [], etags: [] };
      try {
        let before = await api.snapshot();
        for (const r of requests) {
          if (options.only !== undefined && r.index > options.only) break;
          const request = resolve(r, memory, auth);
          api.access = r.access;
          const seamBefore = api.seam.length;
          const reportedBefore = api.reported.length;
          const t = performance.now();
          const response = await api.call(request);
          const ms = performance.now() - t;
          const after = await api.snapshot();
          const found = violationsOf({ method: request.method, response, ms, stateBefore: before, stateAfter: after, seamBefore, seamAfter: api.seam.length });
          before = after;
          learn(memory, response);
          // What the router reported for a 500: the cause, for the violation's detail.
          const causes = api.reported.slice(reportedBefore).map((e) => {
            const error = e as Error;
            return `${error?.name}: ${String(error?.message).slice(0, 160)} @ ${error?.stack?.split("\n").find((l) => l.includes("/src/"))?.trim() ?? "?"}`;
          });
          for (const v of found) if (v.kind === "status>=500" && causes.length) v.detail += ` — ${causes.join(" | ")}`;

          report.requests++;
          report.byStatus[response.status] = (report.byStatus[response.status] ?? 0) + 1;
          if (response.status >= 400 && response.status < 500) report.errors4xx++;
          if (response.status >= 400) report.refused++;
          if (found.some((v) => v.kind === "status>=500")) report.atLeast500++;
          if (found.some((v) => v.kind === "envelope") && response.status < 500) report.envelopeViolations++;
          if (found.some((v) => v.kind === "header")) report.headerViolations++;
          if (found.some((v) => v.kind === "stateChanged" || v.kind === "seamCalled")) {
            if (response.status >= 400) report.stateChangesForRefused++;
            else if (mustNotChange({ method: request.method, response })) report.stateChangesForGets++;
          }
          if (ms > report.slowest.ms) report.slowest = { ms, index: r.index, cell: `${r.dimension}/${r.cell}` };
          const key = `${r.dimension}/${r.cell}`;
          const cell = cells.get(key) ?? { dimension: r.dimension, cell: r.cell, requests: 0, failed: 0 };
          cell.requests++;
          if (found.length) cell.failed++;
          cells.set(key, cell);
          for (const v of found) {
            if (report.violations.length < 200) report.violations.push({ index: r.index, dimension: r.dimension, cell: r.cell, kind: v.kind, detail: v.detail, request: describe(request) });
          }
          if (options.only === r.index) {
            log(`request ${r.index} (${r.dimension}/${r.cell}, access ${r.access}): ${describe(request)}`);
            log(`response: ${response.status} ${JSON.stringify(response.headers)} ${JSON.stringify(response.body)?.slice(0, 2000)}`);
            for (const v of found) log(`violation ${v.kind}: ${v.detail}`);
          }
        }
      } finally {
        await api.dispose();
      }
      if (options.only === undefined) log(`segment ${s + 1}/${segments}: ${report.requests} requests, ${report.violations.length} violations`);
    }
  } finally {
    await issuer.close();
  }
  report.cells = [...cells.values()].sort((a, b) => DIMENSIONS.indexOf(a.dimension) - DIMENSIONS.indexOf(b.dimension) || a.cell.localeCompare(b.cell));
  report.ms = performance.now() - started;
  return report;
}

/** The figure lines of a report, `name: value` as the benches print them. */
export function fuzzFigures(r: FuzzReport): string[] {
  const lines = [
    `fuzz_seed: ${r.seed}`,
    `fuzz_summary: ${r.requests} requests, ${r.atLeast500} ≥ 500, ${r.errors4xx} 4xx ${r.envelopeViolations === 0 ? "all in the envelope" : `(${r.envelopeViolations} NOT in the envelope)`}, ` +
      `${r.stateChangesForRefused} state changes for ${r.refused} refused requests (seed ${r.seed})`,
    `fuzz_state_changes_for_gets: ${r.stateChangesForGets} requests`,
    `fuzz_header_violations: ${r.headerViolations} responses`,
    `fuzz_statuses: ${Object.entries(r.byStatus).map(([s, n]) => `${s}×${n}`).join(" ")}`,
    `fuzz_slowest_request: ${r.slowest.ms.toFixed(0)} ms (#${r.slowest.index}, ${r.slowest.cell})`,
    `fuzz_wall_time: ${(r.ms / 1000).toFixed(1)} s`,
  ];
  const byDimension = new Map<Dimension, CellFigure[]>();
  for (const c of r.cells) byDimension.set(c.dimension, [...(byDimension.get(c.dimension) ?? []), c]);
  for (const [dimension, list] of byDimension) {
    const passed = list.filter((c) => c.failed === 0).length;
    const requests = list.reduce((n, c) => n + c.requests, 0);
    const failing = list.filter((c) => c.failed > 0).map((c) => c.cell);
    lines.push(`fuzz_cells_${dimension}: ${passed}/${list.length} cells passed (${requests} requests)${failing.length ? `; failing: ${failing.join(", ")}` : ""}`);
  }
  return lines;
}
