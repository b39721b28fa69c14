#!/usr/bin/env node
// linkwright's command line: argument parsing and dispatch only (the commands live in ./commands).
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { DEFAULT_AUDIENCE } from "./accessToken.js";
import { runConnect } from "./commands/connect.js";
import { runLocal } from "./commands/local.js";
import { runStatus } from "./commands/status.js";
import { DEFAULT_ENDPOINT } from "./connectorsClient.js";
import { processIo, UsageError, type CliIo } from "./io.js";
import { CONNECT_HELP, LOCAL_HELP, MAIN_HELP, STATUS_HELP } from "./usage.js";

const VERSION = "0.1.0";

const API = {
  endpoint: { type: "string" },
  audience: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

const SCOPE = {
  subscription: { type: "string" },
  "resource-group": { type: "string" },
  location: { type: "string" },
} as const;

const LOCAL = {
  ...API,
  ...SCOPE,
  project: { type: "string" },
  target: { type: "string", multiple: true },
  "client-type": { type: "string" },
  "dry-run": { type: "boolean" },
  yes: { type: "boolean", short: "y" },
} as const satisfies ParseArgsConfig["options"];

const CONNECT = {
  ...API,
  ...SCOPE,
  connection: { type: "string" },
  target: { type: "string" },
  "client-type": { type: "string" },
  "binding-connection": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

const STATUS = { ...API, json: { type: "boolean" } } as const satisfies ParseArgsConfig["options"];

/** Each command's flags (its --help documents every one). */
export const COMMAND_FLAGS = { local: LOCAL, connect: CONNECT, status: STATUS } as const;

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case "-h":
      case "--help":
      case "help":
        io.out(MAIN_HELP);
        return command === undefined ? 2 : 0;
      case "--version":
        io.out(VERSION);
        return 0;
      case "local": {
        const { values: v } = parseArgs({ args: rest, options: LOCAL, allowPositionals: false, strict: true });
        if (v.help) return help(io, LOCAL_HELP);
        return await runLocal({
          project: v.project ?? process.cwd(),
          targets: v.target ?? [],
          subscription: v.subscription,
          resourceGroup: v["resource-group"],
          location: v.location,
          clientType: v["client-type"],
          dryRun: v["dry-run"] ?? false,
          yes: v.yes ?? false,
          ...api(v),
        }, io);
      }
      case "connect": {
        const { values: v, positionals } = parseArgs({ args: rest, options: CONNECT, allowPositionals: true, strict: true });
        if (v.help) return help(io, CONNECT_HELP);
        if (positionals.length !== 1) throw new UsageError("connect takes one <target-kind>, e.g. storage-blob");
        if (!v.connection || !v.target) throw new UsageError("connect needs --connection <name> and --target <resource id>");
        return await runConnect({
          targetKind: positionals[0]!,
          connection: v.connection,
          target: v.target,
          clientType: v["client-type"] ?? "none",
          bindingConnection: v["binding-connection"],
          subscription: v.subscription,
          resourceGroup: v["resource-group"],
          location: v.location,
          ...api(v),
        }, io);
      }
      case "status": {
        const { values: v, positionals } = parseArgs({ args: rest, options: STATUS, allowPositionals: true, strict: true });
        if (v.help) return help(io, STATUS_HELP);
        if (positionals.length !== 1) throw new UsageError("status takes one <connector id>");
        return await runStatus({ connectorId: positionals[0]!, json: v.json ?? false, ...api(v) }, io);
      }
      default:
        throw new UsageError(`unknown command '${command}'`);
    }
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.err(`linkwright: ${(e as Error).message}`);
      io.err(`Run 'linkwright ${command && !command.startsWith("-") ? `${command} ` : ""}--help' for the flags.`);
      return 2;
    }
    io.err(`linkwright: ${(e as Error).message}`);
    return 1;
  }
}

function api(v: { endpoint?: string | undefined; audience?: string | undefined }) {
  return { endpoint: v.endpoint ?? DEFAULT_ENDPOINT, audience: v.audience ?? DEFAULT_AUDIENCE };
}

function help(io: CliIo, text: string): number {
  io.out(text);
  return 0;
}

/** Whether this module is the program (node dist/src/cli/main.js, the linkwright bin, tsx src/cli/main.ts), not an import. */
function isProgram(): boolean {
  try {
    return !!process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href;
  } catch {
    return false;
  }
}

if (isProgram()) {
  // `linkwright local --dry-run | head`: a closed pipe ends the program quietly.
  process.stdout.on("error", (e: NodeJS.ErrnoException) => {
    if (e.code === "EPIPE") process.exit(0);
    throw e;
  });
  main(process.argv.slice(2), processIo()).then((code) => {
    process.exitCode = code;
  });
}
