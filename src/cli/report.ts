// What the CLI prints: the connections it found and what it does with them, each connector's steps as they happen,
// the settings it changes, and the project checks. Lines only; the caller decides where they go.
import type { UnresolvedBinding } from "../catalogue/index.js";
import type { LoopFinding } from "../loops/index.js";
import { bindingLabel } from "./bindingKinds.js";
import type { ConnectorProgress, ConnectorResource } from "./connectorsClient.js";
import type { SettingChange } from "./localSettings.js";
import type { BindingConnection, ProjectScan } from "./model.js";
import type { ConnectionPlan, ConnectorPlan, LocalPlan } from "./plan.js";

export type Print = (line: string) => void;

export function printScan(print: Print, scan: ProjectScan): void {
  const connections = new Set(scan.bindings.map((b) => b.connection.toLowerCase()));
  const functions = new Set(scan.bindings.filter((b) => b.function !== "(host)").map((b) => b.function));
  print(`Read ${scan.filesRead} file${plural(scan.filesRead)} of ${scan.projectDir} (${scan.clientType}): ` +
    `${functions.size} function${plural(functions.size)} and the host read ${connections.size} connection${plural(connections.size)}.`);
  for (const w of scan.warnings) print(`  warning: ${w.at.file}:${w.at.line}: ${w.message}`);
}

const STATE_TEXT: Record<ConnectionPlan["state"], string> = {
  wire: "→",
  "host-storage": "host storage",
  configured: "already in local.settings.json (no --target: left as it is)",
  unresolved: "unresolved: no --target, and no setting in local.settings.json; skipped",
  unsupported: "not wired",
  invalid: "cannot be wired",
};

export function printPlan(print: Print, plan: LocalPlan): void {
  print("");
  print("Connections");
  for (const c of plan.connections) {
    const name = c.connection || "(none)";
    const head = c.state === "wire" ? `→ ${c.targetId}` : STATE_TEXT[c.state];
    print(`  ${name}  ${head}${c.note && c.state !== "host-storage" ? ` (${c.note})` : ""}`);
    if (c.state === "host-storage" && c.note) print(`    ${c.note}`);
    print(`    used by ${describeUses(c.bindings)}`);
    if (c.connectors.length) print(`    local connections: ${c.connectors.map((k) => `${k.name} (${k.targetKind})`).join(", ")}`);
  }
}

function describeUses(bindings: BindingConnection[]): string {
  return bindings.map((b) => {
    const what = b.bindingType.toLowerCase().endsWith("trigger") || b.function === "(host)" ? bindingLabel(b.bindingType) : `${bindingLabel(b.bindingType)} (${b.direction})`;
    return `${b.function}: ${what} at ${b.at.file}:${b.at.line}`;
  }).join("; ");
}

export function printConnectorHeader(print: Print, c: ConnectorPlan, id: string, action: "create" | "update" | "unchanged", why?: string): void {
  const verb = action === "create" ? "creating" : action === "update" ? `updating (${why})` : "unchanged";
  print(`  ${c.name}: ${verb}  userAccount → ${c.targetKind} ${c.targetId}`);
  if (action !== "unchanged") print(`    PUT ${id}`);
}

export function progressPrinter(print: Print, indent = "    "): (p: ConnectorProgress) => void {
  return (p) => {
    if (p.kind === "accepted") print(`${indent}answered ${p.status}${p.operationUrl ? `, operation ${shortUrl(p.operationUrl)}` : ""}`);
    else print(`${indent}operation: ${p.state}`);
  };
}

export function printSettingChanges(print: Print, file: string, changes: SettingChange[], mode: "dry-run" | "done"): void {
  print("");
  print(`${file}${mode === "dry-run" ? " (values come from the local connections when they are created)" : ""}`);
  if (changes.length === 0) {
    print("  no changes");
    return;
  }
  const width = Math.max(...changes.map((c) => c.name.length));
  for (const c of changes) {
    const verb = mode === "dry-run" ? { add: "would add   ", update: "would set   ", remove: "would remove" }[c.action] : { add: "added  ", update: "updated", remove: "removed" }[c.action];
    const value = c.action === "remove" ? "" : c.value !== undefined ? ` = ${c.value}` : "";
    print(`  ${verb} ${c.name.padEnd(width)}${value}  (${c.reason})`);
  }
}

export function printUnresolved(print: Print, unresolved: UnresolvedBinding[]): void {
  if (unresolved.length === 0) return;
  print("");
  print("Bindings whose connection will not resolve");
  for (const u of unresolved) {
    print(`  ${u.function}: ${u.binding === u.bindingType ? u.bindingType : `${u.binding} (${u.bindingType})`}: ${u.reason}`);
    const add = u.missing.map((m) => (u.suggestedValues[m] ? `${m}=${u.suggestedValues[m]}` : m)).join(", ");
    print(`    fix: run again with --target ${u.connection || "<connection>"}=<resource id>${add ? `, or add ${add} to local.settings.json` : ""}`);
  }
}

export function printLoops(print: Print, findings: LoopFinding[]): void {
  if (findings.length === 0) return;
  print("");
  print("Trigger/output loops");
  for (const f of findings) {
    print(`  [${f.severity}] ${f.explanation}`);
    for (const fix of f.fix.slice(0, 2)) print(`    fix: ${fix}`);
    for (const u of f.uncertainty ?? []) print(`    uncertain: ${u}`);
  }
}

export function printConnector(print: Print, resource: ConnectorResource): void {
  const p = resource.properties ?? {};
  const s = resource.systemData ?? {};
  const rows: [string, string | undefined][] = [
    ["connector", resource.id ?? resource.name],
    ["target", p.targetService?.id ?? p.targetService?.endpoint],
    ["auth", p.authInfo ? `${p.authInfo.authType}${p.authInfo.principalId ? ` (principal ${p.authInfo.principalId})` : ""}` : undefined],
    ["client type", p.clientType],
    ["state", p.provisioningState],
    ["last operation", s.lastModifiedAt ? `${s.lastModifiedAt} by ${s.lastModifiedBy ?? "?"} (${p.provisioningState ?? "state unknown"})` : undefined],
    ["created", s.createdAt ? `${s.createdAt} by ${s.createdBy ?? "?"}` : undefined],
    ["customized keys", p.configurationInfo?.customizedKeys ? Object.entries(p.configurationInfo.customizedKeys as Record<string, string>).map(([k, v]) => `${k} → ${v}`).join(", ") : undefined],
    ["caller IP opened", p.publicNetworkSolution?.firewallRules?.callerClientIP],
  ];
  for (const [k, v] of rows) if (v !== undefined && v !== null && v !== "") print(`${k.padEnd(17)}${String(v)}`);
}

export function printConfigurations(print: Print, configurations: { name: string; value?: string | null }[], indent = "    "): void {
  for (const c of configurations) print(`${indent}${c.name}=${c.value ?? ""}`);
}

function shortUrl(url: string): string {
  try {
    const u = new URL(url);
    return u.pathname.split("/").pop() ?? url;
  } catch {
    return url;
  }
}

function plural(n: number): string {
  return n === 1 ? "" : "s";
}
