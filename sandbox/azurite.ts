// Starts Azurite (blob, queue, table) as a child process on free loopback ports.
// Used by `npm start` (persistent, under .sandbox/azurite) and by the test suite (in memory), both in OAuth mode over
// HTTPS (`oauth`): what linkwright reaches keyless, with its managed identity's token, as it reaches a storage account
// in Azure. Azurite's `--oauth basic` checks a bearer token's issuer (https://sts.windows.net/…), audience
// (https://storage.azure.com or an account URL) and lifetime, not its signature; it refuses bearer tokens over http.
// Shared Key (the connection string) keeps working in that mode too; without `oauth` Azurite serves plain http.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import path from "node:path";

export interface AzuriteOptions {
  /** Folder for Azurite's files; omit for in-memory persistence. */
  location?: string;
  /** Fixed ports; each defaults to one Azurite picks itself (reported on its stdout). */
  blobPort?: number;
  queuePort?: number;
  tablePort?: number;
  /** OAuth mode (`--oauth basic`) over HTTPS with this certificate (the sandbox's server.pem, signed by its CA). */
  oauth?: { certFile: string; keyFile: string };
}

export interface AzuriteInstance {
  blobEndpoint: string;
  queueEndpoint: string;
  tableEndpoint: string;
  /** The well-known development account, with explicit endpoints (usable as AzureWebJobsStorage). */
  connectionString: string;
  accountName: string;
  accountKey: string;
  /** OAuth mode over HTTPS: bearer tokens (Azure Storage's audience) are accepted. */
  oauth: boolean;
  /** The Azurite process. */
  pid: number;
  stop(): Promise<void>;
}

export const DEV_ACCOUNT = "devstoreaccount1";
export const DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** Azurite's own word on where each service listens ("Azurite Blob service is successfully listening at <url>"), so
 *  a port left to it (0) is taken atomically: no free-port probe another process could win meanwhile. */
async function listeningPorts(child: ChildProcess, stderr: () => string, timeoutMs: number): Promise<Record<"blob" | "queue" | "table", number>> {
  return new Promise((resolve, reject) => {
    const ports: Partial<Record<"blob" | "queue" | "table", number>> = {};
    let out = "";
    const timer = setTimeout(() => fail(new Error(`azurite did not listen within ${timeoutMs} ms`)), timeoutMs);
    const onExit = (code: number | null) => fail(new Error(`azurite exited with code ${code}`));
    function fail(e: Error) {
      clearTimeout(timer);
      child.off("exit", onExit);
      reject(new Error(`${e.message}\n${stderr()}`));
    }
    child.once("exit", onExit);
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      for (const m of out.matchAll(/Azurite (Blob|Queue|Table) service is successfully listening at https?:\/\/[^:\s]+:(\d+)/g)) {
        ports[m[1]!.toLowerCase() as "blob" | "queue" | "table"] = Number(m[2]);
      }
      if (ports.blob && ports.queue && ports.table) {
        clearTimeout(timer);
        child.off("exit", onExit);
        child.stdout!.removeAllListeners("data");
        child.stdout!.resume();
        resolve(ports as Record<"blob" | "queue" | "table", number>);
      }
    });
  });
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteInstance> {
  const require = createRequire(import.meta.url);
  const entry = path.join(path.dirname(require.resolve("azurite/package.json")), "dist", "src", "azurite.js");
  const args = [
    entry, "--silent", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl",
    "--blobHost", "127.0.0.1", "--blobPort", String(options.blobPort ?? 0),
    "--queueHost", "127.0.0.1", "--queuePort", String(options.queuePort ?? 0),
    "--tableHost", "127.0.0.1", "--tablePort", String(options.tablePort ?? 0),
  ];
  if (options.oauth) args.push("--oauth", "basic", "--cert", options.oauth.certFile, "--key", options.oauth.keyFile);
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push("--location", options.location);
  } else {
    args.push("--inMemoryPersistence");
  }
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => { stderr += d.toString(); });
  let ports: Record<"blob" | "queue" | "table", number>;
  try {
    ports = await listeningPorts(child, () => stderr, 15_000);
  } catch (e) {
    child.kill();
    throw e;
  }
  const { blob: blobPort, queue: queuePort, table: tablePort } = ports;
  const scheme = options.oauth ? "https" : "http";
  const blobEndpoint = `${scheme}://127.0.0.1:${blobPort}/${DEV_ACCOUNT}`;
  const queueEndpoint = `${scheme}://127.0.0.1:${queuePort}/${DEV_ACCOUNT}`;
  const tableEndpoint = `${scheme}://127.0.0.1:${tablePort}/${DEV_ACCOUNT}`;
  const connectionString =
    `DefaultEndpointsProtocol=${scheme};AccountName=${DEV_ACCOUNT};AccountKey=${DEV_KEY};` +
    `BlobEndpoint=${blobEndpoint};QueueEndpoint=${queueEndpoint};TableEndpoint=${tableEndpoint};`;
  return {
    blobEndpoint, queueEndpoint, tableEndpoint, connectionString,
    accountName: DEV_ACCOUNT, accountKey: DEV_KEY, oauth: Boolean(options.oauth), pid: child.pid!,
    stop: () => new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    }),
  };
}
