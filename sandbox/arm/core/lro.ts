// Long-running operations: operation-status resources polled through Azure-AsyncOperation and/or Location.
import { randomUUID } from "node:crypto";
import type { RouteContext, RouteResult } from "./contract.js";
import { parseResourceId } from "./ids.js";

interface Operation {
  id: string;
  /** Path of the operation-status resource (Azure-AsyncOperation). */
  statusPath: string;
  /** Path of the Location poll resource. */
  resultPath: string;
  startTime: string;
  pollsLeft: number;
  finalStatus: number;
  finalBody?: unknown;
  error?: { code: string; message: string };
  endTime?: string;
}

export interface LroOptions {
  status: 201 | 202;
  body?: unknown;
  style: "azure-async-operation" | "location" | "both";
  finalBody?: unknown;
  error?: { code: string; message: string };
}

export class OperationTracker {
  private readonly ops = new Map<string, Operation>();

  constructor(private readonly defaultPolls = 1) {}

  start(options: LroOptions, ctx: RouteContext, pollsUntilDone = this.defaultPolls): RouteResult {
    const id = randomUUID();
    const parsed = parseResourceId(ctx.req.path);
    const ns = parsed.namespace ?? "Microsoft.Resources";
    const sub = parsed.subscriptionId ?? ctx.params.subscriptionId ?? "00000000-0000-0000-0000-000000000000";
    const base = `/subscriptions/${sub}/providers/${ns}/locations/global`;
    const op: Operation = {
      id, statusPath: `${base}/operationStatuses/${id}`, resultPath: `${base}/operationResults/${id}`,
      startTime: new Date().toISOString(), pollsLeft: pollsUntilDone,
      // A finished Location poll answers 200 (with the final body when there is one), as ARM does for deletes too.
      finalStatus: 200,
      finalBody: options.finalBody ?? (ctx.req.method === "DELETE" ? undefined : options.body), error: options.error,
    };
    this.ops.set(id, op);
    const q = `?api-version=${encodeURIComponent(ctx.req.apiVersion)}`;
    const headers: Record<string, string> = { "Retry-After": "0" };
    if (options.style !== "location") headers["Azure-AsyncOperation"] = `${ctx.req.baseUrl}${op.statusPath}${q}`;
    if (options.style !== "azure-async-operation") headers["Location"] = `${ctx.req.baseUrl}${op.resultPath}${q}`;
    return { status: options.status, body: options.body, headers };
  }

  /** Answers a poll of an operationStatuses / operationResults path this tracker issued, else undefined. */
  poll(path: string): { status: number; body?: unknown; headers?: Record<string, string> } | undefined {
    const m = /\/providers\/[^/]+\/locations\/[^/]+\/(operationStatuses|operationResults)\/([^/]+)$/i.exec(path);
    if (!m) return undefined;
    const op = this.ops.get(m[2]);
    if (!op) return undefined; // not ours: a provider route may serve it, else the router's 404
    const running = op.pollsLeft > 0;
    if (running) op.pollsLeft--;
    else op.endTime ??= new Date().toISOString();
    if (m[1].toLowerCase() === "operationstatuses") {
      const status = running ? "InProgress" : op.error ? "Failed" : "Succeeded";
      const body: Record<string, unknown> = { id: op.statusPath, name: op.id, status, startTime: op.startTime };
      if (!running) { body.endTime = op.endTime; body.percentComplete = 100; }
      else body.percentComplete = 50;
      if (!running && op.error) body.error = op.error;
      return { status: 200, body, headers: running ? { "Retry-After": "0" } : undefined };
    }
    if (running) return { status: 202, headers: { "Retry-After": "0" } };
    if (op.error) return { status: 400, body: { error: op.error } };
    return { status: op.finalStatus, body: op.finalStatus === 204 ? undefined : op.finalBody };
  }

  clear(): void {
    this.ops.clear();
  }
}
