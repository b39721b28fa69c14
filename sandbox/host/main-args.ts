// Command-line and environment options of sandbox/host/main.ts.
import { parseArgs } from "node:util";

export interface MainArgs {
  appDir: string;
  entry?: string;
  port: number;
  hostId?: string;
}

/** `localHttpPort` is local.settings.json `Host.LocalHttpPort` (Core Tools' default port source), if any. */
export function parseMainArgs(argv: string[], env: NodeJS.ProcessEnv, localHttpPort?: number): MainArgs {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      "app-dir": { type: "string" },
      entry: { type: "string" },
      port: { type: "string" },
      "host-id": { type: "string" },
    },
  });
  const portText = values.port ?? env["FUNCTIONS_HTTP_PORT"] ?? String(localHttpPort ?? 7071);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port "${portText}"`);
  const entry = values.entry ?? env["FUNCTIONS_ENTRY"];
  const hostId = values["host-id"] ?? env["FUNCTIONS_HOST_ID"];
  return {
    appDir: values["app-dir"] ?? positionals[0] ?? env["FUNCTIONS_APP_DIR"] ?? process.cwd(),
    port,
    ...(entry ? { entry } : {}),
    ...(hostId ? { hostId } : {}),
  };
}
