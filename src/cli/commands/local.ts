// `linkwright local`: a Functions project's binding connections → local connections for the signed-in developer and
// the identity-based settings in local.settings.json. Reads top to bottom as its steps.
import path from "node:path";
import { ConnectorsApiError, connectorId } from "../connectorsClient.js";
import { UsageError, type CliIo } from "../io.js";
import { applySettingChanges, LocalSettingsError, readLocalSettings, writeLocalSettings, type LocalSettingsFile } from "../localSettings.js";
import type { ProjectScan } from "../model.js";
import {
  planLocal, plannedConnectorBody, previewSettingChanges, settingChanges, unknownTargets, connectorDifference, type LocalPlan,
} from "../plan.js";
import { projectLoops, unresolvedProjectBindings } from "../projectChecks.js";
import { scanProject } from "../project/scan.js";
import {
  printConnectorHeader, printLoops, printPlan, printScan, printSettingChanges, printUnresolved, progressPrinter, type Print,
} from "../report.js";
import { connectorTargets, parseTargetFlag } from "../targets.js";
import { connectClient, connectorPlace, type ApiOptions, type ScopeOptions } from "./shared.js";

export interface LocalOptions extends ApiOptions, ScopeOptions {
  project: string;
  /** `<connection>=<resourceId>` flags. */
  targets: string[];
  dryRun: boolean;
  yes: boolean;
  clientType?: string | undefined;
}

export async function runLocal(o: LocalOptions, io: CliIo): Promise<number> {
  const projectDir = path.resolve(o.project);
  let settings: LocalSettingsFile;
  try {
    settings = await readLocalSettings(projectDir);
  } catch (e) {
    if (e instanceof LocalSettingsError) {
      io.err(`linkwright local: ${e.message}`);
      return 1;
    }
    throw e;
  }
  const scan = await scanProject(projectDir, { workerRuntime: settings.values["FUNCTIONS_WORKER_RUNTIME"] });
  io.out(`linkwright local${o.dryRun ? " --dry-run: nothing is created or written" : ""}`);
  printScan(io.out, scan);

  const targets = parseTargets(o.targets);
  let plan = planLocal({ bindings: scan.bindings, targets, values: settings.values });
  const unknown = unknownTargets(plan, targets);
  if (unknown.length) {
    throw new UsageError(`no binding of ${projectDir} reads connection ${unknown.join(", ")} (connections: ${plan.connections.map((c) => c.connection).filter(Boolean).join(", ")}); ` +
      "'linkwright connect' creates a local connection for code that uses an SDK client");
  }
  const badTargets = plan.connections.filter((c) => c.state === "invalid" && c.targetId);
  if (badTargets.length) throw new UsageError(badTargets.map((c) => `--target ${c.connection}: ${c.note}`).join("\n"));

  if (io.interactive && !o.yes && !o.dryRun) {
    const asked = await askForTargets(plan, io);
    if (Object.keys(asked).length) plan = planLocal({ bindings: scan.bindings, targets: { ...targets, ...asked }, values: settings.values });
  }
  printPlan(io.out, plan);

  const clientType = o.clientType ?? scan.clientType;
  const relative = path.relative(process.cwd(), settings.path);
  const settingsName = relative && !relative.startsWith("..") ? relative : settings.path;
  if (plan.connectors.length === 0) {
    printChecks(io.out, scan, settings.values, plan);
    io.out("");
    io.out("nothing to change");
    return 0;
  }
  const place = connectorPlace(o, io.env, plan.connectors[0]!.targetId);

  if (o.dryRun) {
    io.out("");
    io.out(`Local connections in resource group ${place.resourceGroup} (${o.location ?? "its location"}, subscription ${place.subscriptionId})`);
    for (const c of place.chosen) io.out(`  ${c}`);
    for (const c of plan.connectors) {
      const id = connectorId({ ...place, location: o.location ?? "{location}" }, c.name);
      io.out(`  would create or update ${c.name}: userAccount → ${c.targetKind} ${c.targetId}`);
      io.out(`    PUT ${id}  ${JSON.stringify(plannedConnectorBody(c, { clientType }))}`);
    }
    const preview = previewSettingChanges(plan, settings.values);
    printSettingChanges(io.out, settingsName, preview, "dry-run");
    const assumed = applySettingChanges({ Values: settings.values }, preview.map((p) => (p.action === "remove" ? p : { ...p, value: "<endpoint>" })));
    printChecks(io.out, scan, assumed as Record<string, string>, plan);
    return 0;
  }

  if (io.interactive && !o.yes) {
    const answer = await io.ask(`Create or update ${plan.connectors.length} local connection(s) for you and update ${settingsName}? [y/N] `);
    if (!/^y(es)?$/i.test(answer)) {
      io.out("cancelled: nothing was changed");
      return 1;
    }
  }

  const { client, token } = await connectClient(o, io);
  const location = o.location ?? (await client.resourceGroupLocation(place.subscriptionId, place.resourceGroup));
  const scope = { ...place, location };
  io.out("");
  io.out(`Local connections in resource group ${scope.resourceGroup} (${location}, subscription ${scope.subscriptionId})` +
    `${token.principalId ? ` for principal ${token.principalId}` : ""}`);
  for (const c of place.chosen) io.out(`  ${c}`);
  const configurations = new Map<string, { name: string; value?: string | null }[]>();
  let written = 0;
  let failures = 0;
  for (const c of plan.connectors) {
    const id = connectorId(scope, c.name);
    const body = plannedConnectorBody(c, { clientType, ...(token.principalId ? { principalId: token.principalId } : {}) });
    try {
      const existing = await client.get(id);
      const difference = connectorDifference(existing, body);
      if (difference === undefined) {
        printConnectorHeader(io.out, c, id, "unchanged");
      } else {
        printConnectorHeader(io.out, c, id, existing ? "update" : "create", difference);
        await client.put(id, body, progressPrinter(io.out));
        written++;
      }
      configurations.set(c.name, await client.generateConfigurations(id));
    } catch (e) {
      if (!(e instanceof ConnectorsApiError)) throw e;
      failures++;
      io.out(`    failed: ${e.code}: ${e.message}`);
    }
  }

  const { changes, problems } = settingChanges(plan, configurations, settings.values);
  if (changes.length) {
    await writeLocalSettings(settings, changes);
    printSettingChanges(io.out, settingsName + (settings.exists ? "" : " (created)"), changes, "done");
  }
  for (const p of problems) io.out(`  warning: ${p}`);
  printChecks(io.out, scan, applySettingChanges({ Values: settings.values }, changes) as Record<string, string>, plan);
  if (written === 0 && changes.length === 0 && failures === 0) {
    io.out("");
    io.out("nothing to change");
  }
  if (failures) io.err(`linkwright local: ${failures} local connection(s) failed; their settings were not written`);
  return failures ? 1 : 0;
}

function parseTargets(flags: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const flag of flags) {
    const t = parseTargetFlag(flag);
    if ("error" in t) throw new UsageError(t.error);
    out[t.connection] = t.resourceId;
  }
  return out;
}

/** Asks for the resource of each unresolved connection; empty skips it. */
async function askForTargets(plan: LocalPlan, io: CliIo): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const c of plan.connections.filter((x) => x.state === "unresolved")) {
    const users = [...new Set(c.bindings.map((b) => b.function))].join(", ");
    for (;;) {
      const answer = await io.ask(`Resource id for connection '${c.connection}' (used by ${users}; a storage account, namespace or Cosmos DB account), empty to skip: `);
      if (!answer) break;
      const databases = c.bindings.map((b) => b.properties["databaseName"]).filter((d): d is string => !!d);
      const checked = answer.startsWith("/subscriptions/") ? connectorTargets(answer, c.needs, databases) : { error: "not an ARM resource id (/subscriptions/…)" };
      if (!("error" in checked)) {
        out[c.connection] = answer;
        break;
      }
      io.out(`  ${checked.error}`);
    }
  }
  return out;
}

function printChecks(print: Print, scan: ProjectScan, values: Record<string, string>, plan: LocalPlan): void {
  const wired = new Set(plan.connections.filter((c) => c.state === "wire").map((c) => c.connection.toLowerCase()));
  printUnresolved(print, unresolvedProjectBindings(scan.bindings, values).filter((u) => !wired.has(u.connection.toLowerCase())));
  printLoops(print, projectLoops(scan.projectDir, scan.bindings, values, plan));
}
