// Starts the Functions dev host as its own process (e.g. a child of sandbox/start.ts):
//   tsx sandbox/host/main.ts [--app-dir <dir>] [--entry <glob>] [--port <n>] [--host-id <id>]
// Defaults come from FUNCTIONS_APP_DIR, FUNCTIONS_ENTRY, FUNCTIONS_HTTP_PORT (else local.settings.json
// Host.LocalHttpPort, else 7071), FUNCTIONS_HOST_ID.
// Prints `Functions host ready: <baseUrl>` when listening (and sends {type:"ready", baseUrl} over IPC when forked);
// SIGINT/SIGTERM stop it cleanly.
import { startFunctionHost } from "./index.js";
import { consoleLogger } from "./logger.js";
import { parseMainArgs } from "./main-args.js";
import { readLocalSettings } from "./app-settings.js";

async function main(): Promise<void> {
  const first = parseMainArgs(process.argv.slice(2), process.env);
  const args = parseMainArgs(process.argv.slice(2), process.env, readLocalSettings(first.appDir).Host?.LocalHttpPort);
  const host = await startFunctionHost({ ...args, logger: consoleLogger() });
  console.log(`Functions host ready: ${host.baseUrl}`);
  process.send?.({ type: "ready", baseUrl: host.baseUrl });
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`Functions host stopping (${signal})`);
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    host.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  // Started by npm start (an IPC channel): the host goes when its parent does, however the parent went.
  if (process.send) process.on("disconnect", () => shutdown("disconnect"));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
