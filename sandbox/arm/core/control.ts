// Test control state: call counters, injected latency, injected faults and LRO-mode patterns.
// Exposed in-process (emulator.control) and over HTTP under /_sandbox/ (see control-routes.ts).

export interface FaultRule {
  id: string;
  /** HTTP method to match ("*" or omitted = any). */
  method?: string;
  /** Regex source matched (case-insensitive) against the normalised request path (a data plane's: without the query). */
  path: string;
  /** Regex source matched (case-insensitive) against a data plane's name (`keyvault:{vaultId}`, `appconfig:{storeId}`):
   *  the rule applies to that data plane's requests instead of ARM's. Omitted = ARM only. */
  plane?: string;
  /** Regex source matched (case-insensitive) against the request body as text; omitted = any body. */
  body?: string;
  /** Status to answer with (e.g. 429, 500, 503), before the request has any effect. */
  status?: number;
  /** "status" (default): answer `status` before any effect. "timeout": never answer, then drop. "hangup": destroy the
   *  socket before any effect. "lost": handle the request (its effect applied), then destroy the socket instead of
   *  answering — the client sees a network error. "slow": handle the request (its effect applied), then answer
   *  `delayMs` late — past a client timeout shorter than that. */
  mode?: "status" | "timeout" | "hangup" | "lost" | "slow";
  /** "slow": how long the answer is held (default 5000 ms). */
  delayMs?: number;
  /** Error code in the envelope; defaults by status. */
  code?: string;
  message?: string;
  /** Retry-After header value (seconds). */
  retryAfter?: number;
  /** How many matching requests to fault; default 1. Infinity (or -1 over HTTP) = until removed. */
  times?: number;
  /** Requests faulted so far. */
  hits?: number;
}

export interface LatencyRule {
  id: string;
  method?: string;
  path: string;
  ms: number;
}

export interface LroRule {
  id: string;
  method?: string;
  path: string;
  /** Header style providers use when the rule matches. */
  style?: "azure-async-operation" | "location" | "both";
  /** Polls that report InProgress before Succeeded. */
  pollsUntilDone?: number;
}

export interface CallCount {
  provider: string;
  type: string;
  operation: string;
  method: string;
  kind: "read" | "write" | "delete" | "action";
  count: number;
}

/** A POST whose action is a list (`…/listKeys/action`, `…/config/list/action`) reads; it does not change state. */
export function isReadOnlyAction(operation: string): boolean {
  return /\/list[A-Za-z]*\/action$/i.test(operation);
}

/** Calls that change state, optionally only those matching `include`. */
export function countMutations(calls: CallCount[], include: (c: CallCount) => boolean = () => true): number {
  return calls
    .filter((c) => include(c) && (c.kind === "write" || c.kind === "delete" || (c.kind === "action" && !isReadOnlyAction(c.operation))))
    .reduce((n, c) => n + c.count, 0);
}

let seq = 0;
const nextId = (p: string) => `${p}-${++seq}`;

function matches(rule: { method?: string; path: string; plane?: string; body?: string }, method: string, path: string, plane?: string, body?: string): boolean {
  if (rule.method && rule.method !== "*" && rule.method.toUpperCase() !== method.toUpperCase()) return false;
  if (rule.body !== undefined && !new RegExp(rule.body, "i").test(body ?? "")) return false;
  if ((rule.plane === undefined) !== (plane === undefined)) return false;
  if (rule.plane !== undefined && !new RegExp(rule.plane, "i").test(plane!)) return false;
  return new RegExp(rule.path, "i").test(path);
}

export class ControlState {
  faults: FaultRule[] = [];
  latency: LatencyRule[] = [];
  lro: LroRule[] = [];
  private counts = new Map<string, CallCount>();

  addFault(rule: Omit<FaultRule, "id" | "hits"> & { id?: string }): FaultRule {
    new RegExp(rule.path); // validate
    if (rule.plane !== undefined) new RegExp(rule.plane);
    if (rule.body !== undefined) new RegExp(rule.body);
    const r: FaultRule = { times: 1, ...rule, id: rule.id ?? nextId("fault"), hits: 0 };
    if (r.times !== undefined && r.times < 0) r.times = Infinity;
    this.faults.push(r);
    return r;
  }

  addLatency(rule: Omit<LatencyRule, "id"> & { id?: string }): LatencyRule {
    new RegExp(rule.path);
    const r = { ...rule, id: rule.id ?? nextId("latency") };
    this.latency.push(r);
    return r;
  }

  addLroRule(rule: Omit<LroRule, "id"> & { id?: string }): LroRule {
    new RegExp(rule.path);
    const r = { ...rule, id: rule.id ?? nextId("lro") };
    this.lro.push(r);
    return r;
  }

  remove(id: string): boolean {
    const before = this.faults.length + this.latency.length + this.lro.length;
    this.faults = this.faults.filter((r) => r.id !== id);
    this.latency = this.latency.filter((r) => r.id !== id);
    this.lro = this.lro.filter((r) => r.id !== id);
    return before !== this.faults.length + this.latency.length + this.lro.length;
  }

  clearRules(): void {
    this.faults = [];
    this.latency = [];
    this.lro = [];
  }

  /** Consumes one use of the first matching fault rule (`plane`: a data plane's name; omitted = an ARM request). */
  takeFault(method: string, path: string, plane?: string, body?: string): FaultRule | undefined {
    const r = this.faults.find((f) => matches(f, method, path, plane, body) && (f.hits ?? 0) < (f.times ?? 1));
    if (!r) return undefined;
    r.hits = (r.hits ?? 0) + 1;
    return { ...r };
  }

  latencyFor(method: string, path: string): number {
    return this.latency.filter((l) => matches(l, method, path)).reduce((a, l) => a + l.ms, 0);
  }

  lroRuleFor(method: string, path: string): LroRule | undefined {
    return this.lro.find((l) => matches(l, method, path));
  }

  count(c: Omit<CallCount, "count">): void {
    const k = `${c.provider}|${c.type}|${c.operation}|${c.method}`.toLowerCase();
    const cur = this.counts.get(k);
    if (cur) cur.count++;
    else this.counts.set(k, { ...c, count: 1 });
  }

  /** `writes`: every non-GET call; `mutations`: those that change state (POST list actions such as listKeys or
   *  config/appsettings/list only read, so they are not mutations). */
  calls(): { total: number; reads: number; writes: number; mutations: number; byOperation: CallCount[] } {
    const byOperation = [...this.counts.values()].map((c) => ({ ...c }));
    const sum = (pred: (c: CallCount) => boolean) => byOperation.filter(pred).reduce((a, c) => a + c.count, 0);
    return {
      total: sum(() => true), reads: sum((c) => c.kind === "read"), writes: sum((c) => c.kind !== "read"),
      mutations: countMutations(byOperation), byOperation,
    };
  }

  resetCalls(): void {
    this.counts.clear();
  }
}
