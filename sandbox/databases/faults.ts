// Injected faults for the database wire emulators, matched per query text (what a client sends in one query / batch):
//   error: the query fails before it has any effect (the engine's internal error, or the rule's code and message);
//   lost:  the query runs (its effect applied), then the connection drops instead of answering;
//   slow:  the query runs, then its answer comes `delayMs` late (past a client's query timeout).
// `times` faults that many matching queries (default 1; -1 or Infinity = until removed), as the ARM control surface.
import { setTimeout as sleep } from "node:timers/promises";
import { DbError } from "./model.js";

export interface StatementFaultRule {
  id: string;
  /** Regex source matched (case-insensitive) against the query text. */
  sql: string;
  /** Regex source matched (case-insensitive) against the server's FQDN; omitted = every server. */
  server?: string;
  mode?: "error" | "lost" | "slow";
  /** "error": the engine's error code (SQLSTATE for PostgreSQL and MySQL) and number (MySQL, SQL Server). */
  code?: string;
  number?: number;
  message?: string;
  /** "slow": how long the answer is held (default 5000 ms). */
  delayMs?: number;
  times?: number;
  hits?: number;
}

let seq = 0;

export class StatementFaults {
  rules: StatementFaultRule[] = [];

  add(rule: Omit<StatementFaultRule, "id" | "hits"> & { id?: string }): StatementFaultRule {
    new RegExp(rule.sql);
    if (rule.server !== undefined) new RegExp(rule.server);
    const r: StatementFaultRule = { times: 1, ...rule, id: rule.id ?? `dbfault-${++seq}`, hits: 0 };
    if (r.times !== undefined && r.times < 0) r.times = Infinity;
    this.rules.push(r);
    return r;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return before !== this.rules.length;
  }

  clear(): void {
    this.rules = [];
  }

  /** Consumes one use of the first rule matching the query on the server. */
  take(fqdn: string, text: string): StatementFaultRule | undefined {
    const r = this.rules.find((f) => (f.hits ?? 0) < (f.times ?? 1) && new RegExp(f.sql, "i").test(text)
      && (f.server === undefined || new RegExp(f.server, "i").test(fqdn)));
    if (!r) return undefined;
    r.hits = (r.hits ?? 0) + 1;
    return { ...r };
  }
}

/** The wire handlers' one way to run a query under a fault: throws for "error" (before `run`), else runs it. */
export function runUnderFault<T>(fault: StatementFaultRule | undefined, run: () => T): T {
  if (fault && (fault.mode ?? "error") === "error") {
    if (fault.code !== undefined || fault.number !== undefined) throw new DbError(fault.code ?? "HY000", fault.message ?? `Injected fault ${fault.id}.`, fault.number ?? 0);
    throw new Error(fault.message ?? `Injected fault ${fault.id}.`);
  }
  return run();
}

/** After the query ran: true when the connection is to drop instead of answering; waits out a "slow" fault. */
export async function answerUnderFault(fault: StatementFaultRule | undefined): Promise<"drop" | "answer"> {
  if (fault?.mode === "lost") return "drop";
  if (fault?.mode === "slow") await sleep(fault.delayMs ?? 5_000);
  return "answer";
}
