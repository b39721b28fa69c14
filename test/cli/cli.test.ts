// The CLI as a process, without any server: --help of the CLI and of each command (every flag documented), usage
// errors, and `local --dry-run`, which needs no network and no sign-in when every target is given.
import { readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:net";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COMMAND_FLAGS } from "../../src/cli/main.js";
import { copySample, runCli } from "./support/runCli.js";

const RG = "/subscriptions/00000000-0000-0000-0000-00000000aaaa/resourceGroups/rg1/providers";
const ACCOUNT = `${RG}/Microsoft.Storage/storageAccounts/acct1`;
const NAMESPACE = `${RG}/Microsoft.ServiceBus/namespaces/ns1`;

/** A TCP listener that counts connections: the dry run's --endpoint, to prove it is never called. */
let listener: Server;
let connections = 0;
let endpoint: string;
const dirs: string[] = [];

beforeAll(async () => {
  listener = createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((r) => listener.listen(0, "127.0.0.1", r));
  endpoint = `https://127.0.0.1:${(listener.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => listener.close(r));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const sample = () => {
  const dir = copySample();
  dirs.push(dir);
  return dir;
};

describe("--help", () => {
  it("the CLI's help names the commands; no command at all is a usage error showing it", async () => {
    const help = await runCli(["--help"]);
    expect(help.code).toBe(0);
    for (const command of ["local", "connect", "status"]) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, "m"));
    const none = await runCli([]);
    expect(none.code).toBe(2);
    expect(none.stdout).toContain("Usage: linkwright <command>");
  });

  it.each(Object.keys(COMMAND_FLAGS) as (keyof typeof COMMAND_FLAGS)[])("'%s --help' documents every flag it accepts", async (command) => {
    const r = await runCli([command, "--help"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`Usage: linkwright ${command}`);
    for (const [flag, spec] of Object.entries(COMMAND_FLAGS[command])) {
      expect(r.stdout, `--${flag}`).toContain(`--${flag}`);
      if ("short" in spec) expect(r.stdout, `-${spec.short}`).toContain(`-${spec.short}, --${flag}`);
    }
  });
});

describe("usage errors exit 2 and point at --help", () => {
  it.each([
    ["an unknown flag", ["local", "--frobnicate"], /Unknown option '--frobnicate'/],
    ["a target for no connection of the project", ["local", "--project", "<sample>", "--dry-run", "--target", `Nope=${ACCOUNT}`], /no binding of .* reads connection Nope/],
    ["a target of the wrong kind", ["local", "--project", "<sample>", "--dry-run", "--target", `OrdersBus=${ACCOUNT}`], /--target OrdersBus: the bindings need a Service Bus namespace/],
    ["a target without a resource", ["local", "--project", "<sample>", "--dry-run", "--target", "OrdersBus"], /not <connection>=<resourceId>/],
    ["a connector name az would refuse", ["connect", "storage-blob", "--connection", "bad-name!", "--target", ACCOUNT], /letters, digits/],
    ["an unknown target kind", ["connect", "nosuchkind", "--connection", "x", "--target", ACCOUNT], /unknown target kind 'nosuchkind'/],
    ["a status of something else than a connector", ["status", "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Web/sites/x"], /is not a connector id/],
    ["an unknown command", ["explode"], /unknown command 'explode'/],
  ] as const)("%s", async (_label, args, message) => {
    const dir = sample();
    const r = await runCli(args.map((a) => (a === "<sample>" ? dir : a)));
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).toMatch(/Run 'linkwright (\w+ )?--help' for the flags\./);
  });
});

describe("local --dry-run", () => {
  it("prints connections, targets, the local connections and the settings it would change; calls nothing, changes nothing", async () => {
    const dir = sample();
    const before = readFileSync(path.join(dir, "local.settings.json"), "utf8");
    const r = await runCli(["local", "--project", dir, "--dry-run", "--endpoint", endpoint, "--target", `SamplesStorage=${ACCOUNT}`, "--target", `OrdersBus=${NAMESPACE}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const out = r.stdout;
    expect(out).toContain("linkwright local --dry-run: nothing is created or written");
    expect(out).toMatch(/2 functions and the host read 3 connections/);
    expect(out).toContain(`  SamplesStorage  → ${ACCOUNT}`);
    expect(out).toContain(`  OrdersBus  → ${NAMESPACE}`);
    expect(out).toMatch(/AzureWebJobsStorage {2}host storage\n {4}the host's storage \(UseDevelopmentStorage=true, the local emulator\): left as it is/);
    expect(out).toContain("local connections: SamplesStorage_blob (storage-blob), SamplesStorage_queue (storage-queue)");
    expect(out).toContain(`PUT ${RG.replace("/providers", "")}/providers/Microsoft.ServiceLinker/locations/{location}/connectors/SamplesStorage_queue  {"properties":{"targetService":{"type":"AzureResource","id":"${ACCOUNT}/queueServices/default"},"authInfo":{"authType":"userAccount"},"clientType":"nodejs","configurationInfo":{"customizedKeys":{"AZURE_STORAGEQUEUE_RESOURCEENDPOINT":"SamplesStorage__queueServiceUri"}},"publicNetworkSolution":{"firewallRules":{"callerClientIP":"true"}}}}`);
    expect(out).toMatch(/would add +OrdersBus__fullyQualifiedNamespace +\(servicebus endpoint, from connector OrdersBus\)/);
    expect(out).toMatch(/would add +SamplesStorage__blobServiceUri/);
    expect(out).toMatch(/would add +SamplesStorage__queueServiceUri/);
    expect(out).not.toContain("__credential");
    expect(out).toContain("Trigger/output loops");
    expect(out).toMatch(/\[certain\] resizeImage \(lw-cli-sample-\w+\) is triggered by blobs samples\/\{name\} in storage account acct1 and can write blobs samples\/thumbs\/\{name\}/);
    expect(out).not.toContain("Bindings whose connection will not resolve");
    expect(readFileSync(path.join(dir, "local.settings.json"), "utf8")).toBe(before);
    expect(connections).toBe(0);
  });

  it("without targets and without a terminal: the connections are reported unresolved and skipped; nothing to change", async () => {
    const dir = sample();
    const r = await runCli(["local", "--project", dir, "--dry-run", "--endpoint", endpoint]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/ {2}OrdersBus {2}unresolved: no --target, and no setting in local.settings.json; skipped/);
    expect(r.stdout).toMatch(/ {2}SamplesStorage {2}unresolved/);
    expect(r.stdout).toContain("Bindings whose connection will not resolve");
    expect(r.stdout).toMatch(/handleOrder: serviceBusTrigger: no app setting 'OrdersBus'.*\n {4}fix: run again with --target OrdersBus=<resource id>, or add OrdersBus__fullyQualifiedNamespace to local.settings.json/);
    expect(r.stdout).toMatch(/\[possible\] resizeImage/);
    expect(r.stdout.trimEnd().endsWith("nothing to change")).toBe(true);
    expect(connections).toBe(0);
  });
});
