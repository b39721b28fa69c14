// The durable management API under /runtime/webhooks/durabletask/ (the rpcBaseUrl the durableClient binding
// advertises), as df.getClient() calls it (functions-local-host.md §2.6).
import { randomUUID } from "node:crypto";
import { EventType, EventTypeName, type HistoryEvent } from "./history.js";
import { schedulerIdOf } from "./entity-messages.js";
import type { DurableEngine } from "./runtime.js";
import type { OrchestrationRow } from "./store.js";
import type { HttpRequestLike, HttpResponseLike } from "./types.js";

export const DURABLE_PREFIX = "/runtime/webhooks/durabletask/";

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResponseLike {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: JSON.stringify(body) };
}

function problem(status: number, message: string): HttpResponseLike {
  return json(status, { Message: message });
}

function parseJsonText(text: string | undefined): unknown {
  if (text === undefined || text === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The body text as a JSON value's text: empty → undefined. */
function bodyJson(body: Buffer): string | undefined {
  const text = body.toString("utf8");
  if (text.trim() === "") return undefined;
  JSON.parse(text);
  return text;
}

function renderHistory(events: HistoryEvent[], showOutput: boolean): unknown[] {
  return events
    .filter((e) => e.EventType !== EventType.OrchestratorStarted && e.EventType !== EventType.OrchestratorCompleted)
    .map((e) => {
      const out: Record<string, unknown> = { EventType: EventTypeName[e.EventType], EventId: e.EventId, Timestamp: e.Timestamp };
      if (e.Name !== undefined) out.Name = e.Name;
      if (e.TaskScheduledId !== undefined) out.ScheduledId = e.TaskScheduledId;
      if (e.TimerId !== undefined) out.TimerId = e.TimerId;
      if (e.FireAt !== undefined) out.FireAt = e.FireAt;
      if (e.OrchestrationStatus !== undefined) out.OrchestrationStatus = e.OrchestrationStatus;
      if (e.Reason !== undefined) out.Reason = e.Reason;
      if (showOutput && e.Result !== undefined) out.Result = parseJsonText(e.Result);
      if (e.EventType === EventType.ExecutionStarted) out.FunctionName = e.Name;
      return out;
    });
}

export function statusBody(row: OrchestrationRow, history: HistoryEvent[] | undefined, opts: { showInput: boolean; showHistoryOutput: boolean }): Record<string, unknown> {
  const body: Record<string, unknown> = {
    name: row.name,
    instanceId: row.instanceId,
    runtimeStatus: row.status,
    input: opts.showInput ? parseJsonText(row.input) : null,
    customStatus: parseJsonText(row.customStatus),
    output: parseJsonText(row.output),
    createdTime: row.createdTime,
    lastUpdatedTime: row.lastUpdatedTime,
  };
  if (history) {
    body.historyEvents = renderHistory(history, opts.showHistoryOutput);
    body.history = body.historyEvents;
  }
  return body;
}

export async function handleDurableHttp(engine: DurableEngine, req: HttpRequestLike): Promise<HttpResponseLike | undefined> {
  const url = new URL(req.url, "http://127.0.0.1");
  if (!url.pathname.startsWith(DURABLE_PREFIX)) return undefined;
  const parts = url.pathname.slice(DURABLE_PREFIX.length).split("/").filter((p) => p !== "").map(decodeURIComponent);
  const method = req.method.toUpperCase();
  const q = url.searchParams;
  const flag = (name: string) => q.get(name)?.toLowerCase() === "true";
  try {
    // POST orchestrators/{name}[/{instanceId}]
    if (parts[0] === "orchestrators" && method === "POST" && (parts.length === 2 || parts.length === 3)) {
      const name = parts[1]!;
      const instanceId = parts[2] ?? randomUUID().replace(/-/g, "");
      let input: string | undefined;
      try {
        input = bodyJson(req.body);
      } catch {
        return problem(400, "The request body is not valid JSON.");
      }
      try {
        await engine.startOrchestration(name, instanceId, input);
      } catch (err) {
        if ((err as { code?: string }).code === "InstanceExists") return problem(409, (err as Error).message);
        throw err;
      }
      const base = `${url.origin}${DURABLE_PREFIX}instances/${encodeURIComponent(instanceId)}`;
      return json(202, { id: instanceId, statusQueryGetUri: base, sendEventPostUri: `${base}/raiseEvent/{eventName}`, terminatePostUri: `${base}/terminate?reason={text}`, purgeHistoryDeleteUri: base }, { location: base });
    }
    if (parts[0] === "instances") {
      const instanceId = parts[1];
      if (!instanceId) {
        if (method === "GET") return await listInstances(engine, q);
        return problem(501, `The sandbox durable host does not implement ${method} instances/ (bulk operations other than the status query).`);
      }
      const action = parts[2];
      if (!action && method === "GET") {
        const found = await engine.readOrchestration(instanceId);
        if (!found) return problem(404, `No instance with ID '${instanceId}' found.`);
        const { row, history } = found;
        const body = statusBody(row, flag("showHistory") ? history : undefined, { showInput: q.get("showInput")?.toLowerCase() !== "false", showHistoryOutput: flag("showHistoryOutput") });
        const running = row.status === "Running" || row.status === "Pending" || row.status === "Suspended" || row.status === "ContinuedAsNew";
        return json(running ? 202 : 200, body);
      }
      if (!action && method === "DELETE") {
        const deleted = await engine.purge(instanceId);
        return deleted ? json(200, { instancesDeleted: deleted }) : problem(404, `No instance with ID '${instanceId}' found.`);
      }
      if (method === "POST" && (action === "raiseEvent" || action === "terminate" || action === "suspend" || action === "resume")) {
        const found = await engine.readOrchestration(instanceId);
        if (!found) return problem(404, `No instance with ID '${instanceId}' found.`);
        const terminal = ["Completed", "Failed", "Terminated"].includes(found.row.status);
        if (terminal) return problem(410, `The instance '${instanceId}' is ${found.row.status}.`);
        if (action === "raiseEvent") {
          const eventName = parts[3];
          if (!eventName) return problem(400, "An event name is required.");
          let input: string | undefined;
          try {
            input = bodyJson(req.body);
          } catch {
            return problem(400, "The request body is not valid JSON.");
          }
          await engine.raiseEvent(instanceId, eventName, input);
        } else {
          const type = action === "terminate" ? EventType.ExecutionTerminated : action === "suspend" ? EventType.ExecutionSuspended : EventType.ExecutionResumed;
          await engine.controlEvent(instanceId, type, q.get("reason") ?? undefined);
        }
        return { status: 202 };
      }
      return problem(501, `The sandbox durable host does not implement ${method} instances/{id}/${action ?? ""} (rewind and other operations are not supported).`);
    }
    if (parts[0] === "entities" && parts.length === 3) {
      const id = schedulerIdOf(parts[1]!, parts[2]!);
      if (method === "POST") {
        let input: string | undefined;
        try {
          input = bodyJson(req.body);
        } catch {
          return problem(400, "The request body is not valid JSON.");
        }
        await engine.signalEntity(id, q.get("op") ?? "", input);
        return { status: 202 };
      }
      if (method === "GET") {
        const row = await engine.readEntity(id);
        if (!row || !row.exists) return problem(404, `No entity with ID '${id}' found.`);
        return { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body: row.state ?? "null" };
      }
    }
    return problem(501, `The sandbox durable host does not implement ${method} ${url.pathname}.`);
  } catch (err) {
    return problem(500, err instanceof Error ? err.message : String(err));
  }
}

async function listInstances(engine: DurableEngine, q: URLSearchParams): Promise<HttpResponseLike> {
  const statuses = q.get("runtimeStatus")?.split(",").filter((s) => s !== "");
  const from = q.get("createdTimeFrom") ? Date.parse(q.get("createdTimeFrom")!) : undefined;
  const to = q.get("createdTimeTo") ? Date.parse(q.get("createdTimeTo")!) : undefined;
  const rows = (await engine.store.listInstances()).filter((r): r is OrchestrationRow => r.kind === "orchestration");
  const selected = rows.filter((r) => {
    const created = Date.parse(r.createdTime);
    if (statuses && !statuses.includes(r.status)) return false;
    if (from !== undefined && created < from) return false;
    if (to !== undefined && created > to) return false;
    return true;
  });
  return json(200, selected.map((r) => statusBody(r, undefined, { showInput: q.get("showInput")?.toLowerCase() !== "false", showHistoryOutput: false })));
}
