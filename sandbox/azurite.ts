// Starts Azurite (blob, queue, table) as a child process on free loopback ports.
// Used by `npm start` (persistent, under .sandbox/azurite) and by the test suite (in memory), both in OAuth mode over
// HTTPS (`oauth`): what linkwright reaches keyless, with its managed identity's token, as it reaches a storage account
// in Azure. Azurite's `--oauth basic` checks a bearer token's issuer (https://sts.windows.net/…), audience
// (https://storage.azure.com or an account URL) and lifetime, not its signature; it refuses bearer tokens over http.
// Shared Key (the connection string) keeps working in that mode too; without `oauth` Azurite serves plain http.
import { spawn, type ChildProcess } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import net from "node:net";
import path from "node:path";

export interface AzuriteOptions {
  /** Folder for Azurite's files; omit for in-memory persistence. */
  location?: string;
  /** Fixed ports; each defaults to a free ephemeral port. */
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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`azurite exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, "127.0.0.1");
      s.once("connect", () => { s.destroy(); resolve(true); });
      s.once("error", () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`azurite did not listen on ${port} within ${timeoutMs} ms`);
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<AzuriteInstance> {
  const require = createRequire(import.meta.url);
  const entry = path.join(path.dirname(require.resolve("azurite/package.json")), "dist", "src", "azurite.js");
  const blobPort = options.blobPort ?? (await freePort());
  const queuePort = options.queuePort ?? (await freePort());
  const tablePort = options.tablePort ?? (await freePort());
  const args = [
    entry, "--silent", "--skipApiVersionCheck", "--loose", "--disableProductStyleUrl",
    "--blobHost", "127.0.0.1", "--blobPort", String(blobPort),
    "--queueHost", "127.0.0.1", "--queuePort", String(queuePort),
    "--tableHost", "127.0.0.1", "--tablePort", String(tablePort),
  ];
  if (options.oauth) args.push("--oauth", "basic", "--cert", options.oauth.certFile, "--key", options.oauth.keyFile);
  if (options.location) {
    mkdirSync(options.location, { recursive: true });
    args.push("--location", options.location);
  } else {
    args.push("--inMemoryPersistence");
  }
  const child = spawn(process.execPath, args, { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => { stderr += d.toString(); });
  try {
    await Promise.all([blobPort, queuePort, tablePort].map((p) => waitForPort(p, child, 15_000)));
  } catch (e) {
    child.kill();
    throw new Error(`${(e as Error).message}\n${stderr}`);
  }
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
