// What `linkwright local` does for a project, decided without I/O: the project's binding connections + the targets the
// user named + local.settings.json → per connection a state and the local connections (connectors) to create; then,
// from what the connectors generate, the changes to local.settings.json; and whether an existing connector already is
// what the plan wants (so a second run changes nothing).
import { bindingKind, bindingLabel, HOST_STORAGE_CONNECTION, type ServiceNeed } from "./bindingKinds.js";
import { changesFor, findSetting, settingKey, type SettingChange } from "./localSettings.js";
import type { BindingConnection } from "./model.js";
import { connectorName, connectorTargets, type ConnectorTarget } from "./targets.js";

export interface ConnectorPlan extends ConnectorTarget {
  /** Connector (local connection) name. */
  name: string;
  /** The binding connection (setting prefix) it serves. */
  connection: string;
  /** The setting it gives the binding: `<connection>__<property>`. */
  setting: string;
}

export type ConnectionState =
  /** A target: create the connectors, write the identity-based settings. */
  | "wire"
  /** The host's storage without a target: left as it is. */
  | "host-storage"
  /** No target, and local.settings.json already has settings for it: left as it is. */
  | "configured"
  /** No target and nothing in local.settings.json: the bindings will not find it. */
  | "unresolved"
  /** Binding types the CLI cannot create local connections for. */
  | "unsupported"
  /** The connection cannot be wired as given (unreadable name, no connection, a target that does not fit). */
  | "invalid";

export interface ConnectionPlan {
  connection: string;
  bindings: BindingConnection[];
  needs: ServiceNeed[];
  state: ConnectionState;
  targetId?: string;
  connectors: ConnectorPlan[];
  /** Exact settings the host would read instead of the identity-based ones (a connection string): removed when wired. */
  conflicting: string[];
  /** Why the state is what it is, for the report. */
  note?: string;
}

export interface LocalPlan {
  connections: ConnectionPlan[];
  connectors: ConnectorPlan[];
}

const NEED_ORDER: ServiceNeed[] = ["blob", "queue", "table", "servicebus", "eventhub", "cosmos-sql"];

/**
 * `targets` maps connection names (compared case-insensitively) to resource ids; connections of the project that are
 * not in it stay unresolved / configured / host storage. Targets naming no connection of the project are the caller's
 * to refuse ({@link unknownTargets}).
 */
export function planLocal(input: { bindings: BindingConnection[]; targets: Record<string, string>; values: Record<string, string> }): LocalPlan {
  const targets = new Map(Object.entries(input.targets).map(([k, v]) => [settingKey(k), v]));
  const groups = new Map<string, BindingConnection[]>();
  for (const b of input.bindings) {
    const key = b.unreadableConnection !== undefined ? `?unreadable:${b.unreadableConnection}`
      : b.connection === "" ? `?missing:${b.function}:${b.bindingType}:${b.at.file}:${b.at.line}`
      : settingKey(b.connection);
    groups.set(key, [...(groups.get(key) ?? []), b]);
  }
  const connections: ConnectionPlan[] = [];
  const usedNames = new Set<string>();
  for (const [key, bindings] of groups) {
    const connection = bindings[0]!.connection;
    const needs = NEED_ORDER.filter((n) => bindings.some((b) => bindingKind(b.bindingType)?.needs.includes(n)));
    const unsupported = [...new Set(bindings.filter((b) => !bindingKind(b.bindingType)).map((b) => bindingLabel(b.bindingType)))];
    const base: ConnectionPlan = { connection, bindings, needs, state: "unresolved", connectors: [], conflicting: [] };
    const target = targets.get(key);
    if (key.startsWith("?unreadable:")) {
      connections.push({ ...base, state: "invalid", note: `the connection is the expression ${bindings[0]!.unreadableConnection}, which the scan cannot read: use a string constant` });
      continue;
    }
    if (key.startsWith("?missing:")) {
      connections.push({ ...base, state: "invalid", note: `a ${bindingLabel(bindings[0]!.bindingType)} needs a 'connection' (it has no default)` });
      continue;
    }
    if (needs.length === 0) {
      connections.push({ ...base, state: "unsupported", note: `linkwright local cannot create local connections for ${unsupported.join(", ")} yet` + (target ? "; --target ignored" : "") });
      continue;
    }
    const partly = unsupported.length > 0 ? `; not covered: ${unsupported.join(", ")}` : "";
    if (target) {
      const databases = bindings.map((b) => b.properties["databaseName"]).filter((d): d is string => !!d && !d.includes("%"));
      const resolved = connectorTargets(target, needs, databases);
      if ("error" in resolved) {
        connections.push({ ...base, targetId: target, state: "invalid", note: resolved.error });
        continue;
      }
      const connectors = resolved.map((t) => {
        let name = connectorName(connection, t.need);
        for (let i = 2; usedNames.has(name.toLowerCase()); i++) name = `${connectorName(connection, t.need).slice(0, 57)}_${i}`;
        usedNames.add(name.toLowerCase());
        return { ...t, name, connection, setting: `${connection}__${t.property}` };
      });
      connections.push({ ...base, targetId: target, state: "wire", connectors, conflicting: conflictingSettings(connection, needs, input.values), ...(partly ? { note: partly.slice(2) } : {}) });
      continue;
    }
    if (settingKey(connection) === settingKey(HOST_STORAGE_CONNECTION)) {
      const current = findSetting(input.values, HOST_STORAGE_CONNECTION);
      connections.push({ ...base, state: "host-storage", note: `the host's storage${current ? ` (${describeValue(current.value)})` : ""}: left as it is; --target ${HOST_STORAGE_CONNECTION}=<storage account id> rewires it` });
      continue;
    }
    connections.push({ ...base, state: hasSettings(connection, needs, input.values) ? "configured" : "unresolved", ...(partly ? { note: partly.slice(2) } : {}) });
  }
  return { connections, connectors: connections.flatMap((c) => c.connectors) };
}

/** Names in `targets` that no binding connection of the plan has. */
export function unknownTargets(plan: LocalPlan, targets: Record<string, string>): string[] {
  const known = new Set(plan.connections.map((c) => settingKey(c.connection)));
  return Object.keys(targets).filter((t) => !known.has(settingKey(t)));
}

const isStorage = (needs: ServiceNeed[]) => needs.some((n) => n === "blob" || n === "queue" || n === "table");

/** Storage also reads `AzureWebJobs<name>`; either exact setting holding a value wins over `<name>__*` (§7). */
function exactNames(connection: string, needs: ServiceNeed[]): string[] {
  return isStorage(needs) && !/^AzureWebJobs/i.test(connection) ? [`AzureWebJobs${connection}`, connection] : [connection];
}

function conflictingSettings(connection: string, needs: ServiceNeed[], values: Record<string, string>): string[] {
  return exactNames(connection, needs).map((n) => findSetting(values, n)).filter((s): s is { key: string; value: string } => !!s && s.value.trim() !== "").map((s) => s.key);
}

function hasSettings(connection: string, needs: ServiceNeed[], values: Record<string, string>): boolean {
  if (conflictingSettings(connection, needs, values).length > 0) return true;
  const prefixes = exactNames(connection, needs).map((n) => `${settingKey(n)}__`);
  return Object.keys(values).some((k) => prefixes.some((p) => settingKey(k).startsWith(p)));
}

function describeValue(value: string): string {
  if (/UseDevelopmentStorage=true/i.test(value)) return "UseDevelopmentStorage=true, the local emulator";
  return "a connection string";
}

/** The body of `PUT …/connectors/{name}`: the signed-in user's own access (userAccount), the caller's IP opened, the
 *  default configuration name renamed to the binding's setting (customizedKeys). */
export function connectorBody(
  target: { targetId: string; customizedKeys?: Record<string, string> },
  options: { clientType: string; principalId?: string },
): ConnectorBody {
  return {
    properties: {
      targetService: { type: "AzureResource", id: target.targetId },
      authInfo: { authType: "userAccount", ...(options.principalId ? { principalId: options.principalId } : {}) },
      clientType: options.clientType,
      ...(target.customizedKeys && Object.keys(target.customizedKeys).length ? { configurationInfo: { customizedKeys: target.customizedKeys } } : {}),
      publicNetworkSolution: { firewallRules: { callerClientIP: "true" } },
    },
  };
}

/** {@link connectorBody} of a planned connector. */
export function plannedConnectorBody(c: ConnectorPlan, options: { clientType: string; principalId?: string }): ConnectorBody {
  return connectorBody({ targetId: c.targetId, customizedKeys: { [c.defaultKey]: c.setting } }, options);
}

export interface ConnectorBody {
  properties: {
    targetService: { type: "AzureResource"; id: string };
    authInfo: { authType: "userAccount"; principalId?: string };
    clientType: string;
    configurationInfo?: { customizedKeys?: Record<string, string> };
    publicNetworkSolution: { firewallRules: { callerClientIP: "true" } };
  };
}

/** Why an existing connector (its GET body) differs from `body`, or undefined when it already is what `body` asks for. */
export function connectorDifference(existing: Record<string, any> | undefined, body: ConnectorBody): string | undefined {
  if (!existing) return "new";
  const p = existing["properties"] ?? {};
  const want = body.properties;
  const state = String(p.provisioningState ?? "");
  if (state.toLowerCase() !== "succeeded") return `its state is ${state || "unknown"}`;
  if (String(p.targetService?.id ?? "").toLowerCase() !== want.targetService.id.toLowerCase()) return `its target is ${p.targetService?.id ?? "unknown"}`;
  if (p.authInfo?.authType !== want.authInfo.authType) return `its auth type is ${p.authInfo?.authType ?? "unknown"}`;
  if (want.authInfo.principalId && p.authInfo?.principalId && String(p.authInfo.principalId).toLowerCase() !== want.authInfo.principalId.toLowerCase()) {
    return "it is another user's";
  }
  if (p.clientType !== want.clientType) return `its client type is ${p.clientType ?? "unknown"}`;
  const keys = p.configurationInfo?.customizedKeys ?? {};
  for (const [k, v] of Object.entries(want.configurationInfo?.customizedKeys ?? {})) {
    if (keys[k] !== v) return `its configuration name for ${k} is ${keys[k] ?? "the default"}`;
  }
  const callerIp = p.publicNetworkSolution?.firewallRules?.callerClientIP;
  if (callerIp !== undefined && callerIp !== null && String(callerIp) !== "true") return "it does not open the target's firewall to this machine";
  return undefined;
}

/** local.settings.json changes (dry run: values unknown) for the wired connections. */
export function previewSettingChanges(plan: LocalPlan, values: Record<string, string>): SettingChange[] {
  const out: SettingChange[] = [];
  for (const c of plan.connections) {
    if (c.state !== "wire") continue;
    for (const k of c.connectors) {
      const existing = findSetting(values, k.setting);
      out.push({ name: existing?.key ?? k.setting, action: existing ? "update" : "add", ...(existing ? { previous: existing.value } : {}), reason: `${k.targetKind} endpoint, from connector ${k.name}` });
    }
    for (const name of c.conflicting) out.push({ name, action: "remove", reason: REMOVE_REASON });
  }
  return out;
}

const REMOVE_REASON = "a connection string here would win over the identity-based settings";

/**
 * local.settings.json changes from what each connector generated (`configurations` by connector name; connectors that
 * failed are absent and their settings left alone). The value is read under the customized name, or else under
 * Service Connector's default name (a server that ignores customizedKeys).
 */
export function settingChanges(
  plan: LocalPlan,
  configurations: Map<string, { name: string; value?: string | null }[]>,
  values: Record<string, string>,
): { changes: SettingChange[]; problems: string[] } {
  const changes: SettingChange[] = [];
  const problems: string[] = [];
  for (const c of plan.connections) {
    if (c.state !== "wire") continue;
    const wanted: { name: string; value: string; reason: string }[] = [];
    let done = 0;
    for (const k of c.connectors) {
      const generated = configurations.get(k.name);
      if (!generated) continue;
      done++;
      const entry = generated.find((g) => settingKey(g.name) === settingKey(k.setting)) ?? generated.find((g) => g.name.toUpperCase() === k.defaultKey);
      if (!entry || typeof entry.value !== "string" || entry.value === "") {
        problems.push(`connector ${k.name} generated neither ${k.setting} nor ${k.defaultKey}; ${k.setting} not written`);
        continue;
      }
      wanted.push({ name: k.setting, value: entry.value, reason: `${k.targetKind} endpoint, from connector ${k.name}` });
    }
    changes.push(...changesFor(values, wanted));
    if (done > 0) for (const name of c.conflicting) changes.push({ name, action: "remove", reason: REMOVE_REASON });
  }
  return { changes, problems };
}
