// The test control surface: the same functions in-process (emulator.control) and over HTTP under /_sandbox/.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { StoredResource } from "./contract.js";
import type { ControlState, FaultRule, LatencyRule, LroRule } from "./control.js";
import type { MemoryResourceStore, StoreSnapshot } from "./store.js";
import type { ActivityEntry, ActivityLog } from "./activity-log.js";
import type { EventGridEvent, EventGridFanout, Subscriber, SubscriberSpec } from "./event-grid.js";
import type { OperationTracker } from "./lro.js";
import type { Directory, Principal, PrincipalSnapshot } from "../identity/principals.js";
import { buildDenyAssignment, DENY_ASSIGNMENT_TYPE, renderDenyAssignment, type DenyAssignmentInput } from "./deny-assignments.js";

/** Claims a test may add to a minted token: a user's delegated scopes (`scp`, space-separated) or app roles (`roles`). */
export interface TokenExtras {
  scp?: string;
  roles?: string[];
}

export interface EmulatorSnapshot {
  store: StoreSnapshot;
  principals: PrincipalSnapshot;
}

export interface ControlApi {
  /** Back to the state right after start/seed: store, principals, rules, counters, activity log, subscribers. */
  reset(): void;
  snapshot(): EmulatorSnapshot;
  restore(snapshot: EmulatorSnapshot): void;
  calls(): ReturnType<ControlState["calls"]>;
  resetCalls(): void;
  addFault(rule: Omit<FaultRule, "id" | "hits"> & { id?: string }): FaultRule;
  addLatency(rule: Omit<LatencyRule, "id"> & { id?: string }): LatencyRule;
  addLroRule(rule: Omit<LroRule, "id"> & { id?: string }): LroRule;
  removeRule(id: string): boolean;
  clearRules(): void;
  rules(): { faults: FaultRule[]; latency: LatencyRule[]; lro: LroRule[] };
  /** Inserts resources as-is (canonical ids). */
  seed(resources: StoredResource[]): void;
  subscribeEvents(spec: SubscriberSpec): Promise<Subscriber>;
  unsubscribeEvents(name: string): boolean;
  eventSubscriptions(): Subscriber[];
  /** Events published so far (newest last). */
  events(): EventGridEvent[];
  /** Waits for in-flight event deliveries. */
  flushEvents(timeoutMs?: number): Promise<void>;
  activityLog(): ActivityEntry[];
  clearActivityLog(): void;
  principals(): Omit<Principal, "clientSecret" | "password">[];
  /** Gives a user (display name, object id or user principal name) a password, so it can sign in with the password
   *  grant (`az login --username … --password …`); users have none by default. */
  setUserPassword(user: string, password: string): void;
  apiVersions(): Record<string, string[]>;
  /** Creates a deny assignment (Azure's are read-only through ARM: this is how the sandbox plays Azure creating one);
   *  returns it as ARM renders it. Throws on invalid input. */
  addDenyAssignment(input: DenyAssignmentInput): Record<string, unknown>;
  /** Removes a deny assignment by name (GUID) or id; false when there is none. */
  removeDenyAssignment(nameOrId: string): boolean;
}

export interface ControlDeps {
  store: MemoryResourceStore;
  directory: Directory;
  control: ControlState;
  activity: ActivityLog;
  events: EventGridFanout;
  operations: OperationTracker;
  apiVersionsSeen: Map<string, Set<string>>;
  /** The state `reset()` returns to. */
  baseline(): EmulatorSnapshot;
  issueToken(principal: string, resource: string, extra?: TokenExtras): Promise<string>;
}

export function createControlApi(d: ControlDeps): ControlApi {
  return {
    reset() {
      const b = d.baseline();
      d.store.restore(b.store);
      d.directory.restore(b.principals);
      d.control.clearRules();
      d.control.resetCalls();
      d.activity.clear();
      d.events.clear();
      d.operations.clear();
    },
    snapshot: () => ({ store: d.store.snapshot(), principals: d.directory.snapshot() }),
    restore(s) {
      d.store.restore(s.store);
      d.directory.restore(s.principals);
    },
    calls: () => d.control.calls(),
    resetCalls: () => d.control.resetCalls(),
    addFault: (r) => d.control.addFault(r),
    addLatency: (r) => d.control.addLatency(r),
    addLroRule: (r) => d.control.addLroRule(r),
    removeRule: (id) => d.control.remove(id),
    clearRules: () => d.control.clearRules(),
    rules: () => ({ faults: [...d.control.faults], latency: [...d.control.latency], lro: [...d.control.lro] }),
    seed(resources) {
      for (const r of resources) d.store.put(r);
    },
    subscribeEvents: (spec) => d.events.subscribe(spec),
    unsubscribeEvents: (name) => d.events.unsubscribe(name),
    eventSubscriptions: () => d.events.list(),
    events: () => [...d.events.published],
    flushEvents: (t) => d.events.flush(t),
    activityLog: () => d.activity.all(),
    clearActivityLog: () => d.activity.clear(),
    principals: () => d.directory.list().map(({ clientSecret: _secret, password: _password, ...p }) => p),
    setUserPassword(user, password) {
      if (password.length < 8) throw new Error("a password has at least 8 characters");
      const key = user.toLowerCase();
      const p = d.directory.list().find((x) => x.principalType === "User"
        && (x.displayName === user || x.objectId.toLowerCase() === key || x.userPrincipalName?.toLowerCase() === key));
      if (!p) throw new Error(`no user '${user}' in the sandbox directory`);
      d.directory.setPassword(p.objectId, password);
    },
    apiVersions: () => Object.fromEntries([...d.apiVersionsSeen].map(([k, v]) => [k, [...v]])),
    addDenyAssignment(input) {
      return renderDenyAssignment(d.store.put(buildDenyAssignment(input)));
    },
    removeDenyAssignment(nameOrId) {
      const key = nameOrId.split("/").pop()!.toLowerCase();
      const found = d.store.all().find((r) => r.type.toLowerCase() === DENY_ASSIGNMENT_TYPE.toLowerCase()
        && (r.name.toLowerCase() === key || r.id.toLowerCase() === nameOrId.toLowerCase()));
      return found ? d.store.delete(found.id) : false;
    },
  };
}

/** HTTP binding of the control API (documented in sandbox/arm/README.md). */
export async function handleControlRequest(api: ControlApi, d: ControlDeps, req: IncomingMessage, res: ServerResponse,
  path: string, _query: URLSearchParams, rawBody: Buffer): Promise<void> {
  const method = (req.method ?? "GET").toUpperCase();
  const segs = path.split("/").filter(Boolean).slice(1); // drop "_sandbox"
  const reply = (status: number, body?: unknown) => {
    if (body === undefined) { res.writeHead(status); res.end(); return; }
    const text = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
    res.end(text);
  };
  let body: Record<string, unknown> = {};
  if (rawBody.length > 0) {
    try {
      body = JSON.parse(rawBody.toString("utf8")) as Record<string, unknown>;
    } catch (e) {
      return reply(400, { error: { code: "InvalidRequestContent", message: (e as Error).message } });
    }
  }
  const route = `${method} ${segs[0] ?? ""}`;
  const id = segs[1];
  try {
    switch (route) {
      case "POST reset": api.reset(); return reply(204);
      case "GET snapshot": return reply(200, api.snapshot());
      case "POST restore": api.restore(body as unknown as EmulatorSnapshot); return reply(204);
      case "GET calls": return reply(200, api.calls());
      case "DELETE calls": api.resetCalls(); return reply(204);
      case "GET rules": return reply(200, api.rules());
      case "DELETE rules":
        if (id) return reply(api.removeRule(id) ? 204 : 404);
        api.clearRules(); return reply(204);
      case "POST faults": {
        const times = typeof body.times === "number" && body.times < 0 ? Infinity : (body.times as number | undefined);
        return reply(201, api.addFault({ ...(body as unknown as FaultRule), times }));
      }
      case "POST latency": return reply(201, api.addLatency(body as unknown as LatencyRule));
      case "POST lro": return reply(201, api.addLroRule(body as unknown as LroRule));
      case "POST seed": api.seed((body.resources ?? []) as StoredResource[]); return reply(204);
      case "GET eventSubscriptions": return reply(200, api.eventSubscriptions());
      case "POST eventSubscriptions": return reply(201, await api.subscribeEvents(body as unknown as SubscriberSpec));
      case "DELETE eventSubscriptions": return reply(id && api.unsubscribeEvents(id) ? 204 : 404);
      case "GET events": return reply(200, api.events());
      case "GET activityLog": return reply(200, api.activityLog());
      case "DELETE activityLog": api.clearActivityLog(); return reply(204);
      case "GET principals": return reply(200, api.principals());
      case "GET apiVersions": return reply(200, api.apiVersions());
      case "POST password": api.setUserPassword(String(body.user ?? ""), String(body.password ?? "")); return reply(204);
      case "POST token": {
        const principal = String(body.principal ?? "");
        const resource = String(body.resource ?? "https://management.azure.com");
        const extra: TokenExtras = {};
        if (body.scp !== undefined) extra.scp = String(body.scp);
        if (body.roles !== undefined) {
          if (!Array.isArray(body.roles)) throw new Error("roles must be an array of strings");
          extra.roles = body.roles.map(String);
        }
        return reply(200, { access_token: await d.issueToken(principal, resource, extra) });
      }
      case "POST denyAssignments": return reply(201, api.addDenyAssignment(body as unknown as DenyAssignmentInput));
      case "DELETE denyAssignments": return reply(id && api.removeDenyAssignment(id) ? 204 : 404);
      default:
        return reply(404, { error: { code: "NotFound", message: `Unknown control operation '${route}'. See sandbox/arm/README.md.` } });
    }
  } catch (e) {
    return reply(400, { error: { code: "BadRequest", message: (e as Error).message } });
  }
}
