// A client of a running sandbox (`npm start`), as any user of it would be: `.sandbox/sandbox.json`, the principals'
// credentials against the emulator's identity endpoints, raw ARM requests for what the pinned
// @azure/arm-servicelinker (2022-05-01) does not model, and the `connection-health` queue in Azurite.
// The process must trust the sandbox CA from its start (NODE_EXTRA_CA_CERTS), as the demo does.
import { readFileSync } from "node:fs";
import path from "node:path";
import { ClientSecretCredential } from "@azure/identity";
import { QueueClient } from "@azure/storage-queue";

/** SMOKE_SANDBOX_FILE (the smoke passes it), else <SANDBOX_STATE_DIR or .sandbox>/sandbox.json. */
export const SANDBOX_FILE = path.resolve(process.env["SMOKE_SANDBOX_FILE"] || path.join(process.env["SANDBOX_STATE_DIR"] || ".sandbox", "sandbox.json"));
/** The api-version with configurationInfo, dry runs, healthHistory and loopFindings. */
export const API = "2024-04-01";

export interface SandboxFile {
  armEndpoint: string;
  functionsEndpoint: string;
  authorityHost: string;
  caCertFile: string;
  tenantId: string;
  subscriptionId: string;
  resourceGroup: string;
  storageConnectionString: string;
  databaseEndpoints?: Record<string, string>;
  principals: Record<string, { clientId?: string; clientSecret?: string; objectId: string }>;
  resources: Record<string, string>;
  linkwrightIdentity?: { principalId: string; clientId: string };
}

export function readSandbox(file = SANDBOX_FILE): SandboxFile {
  return JSON.parse(readFileSync(file, "utf8")) as SandboxFile;
}

export type Principal = "admin" | "team" | "reader";

export interface Response {
  status: number;
  headers: Record<string, string>;
  text: string;
  json<T = any>(): T;
}

export interface SandboxClient {
  s: SandboxFile;
  credential(as?: Principal): ClientSecretCredential;
  /** One ARM request through the emulator's front door (relative path with its query). */
  arm(method: string, p: string, body?: unknown, as?: Principal): Promise<Response>;
  /** The same request straight to the function app (the admin's ARM token is linkwright's caller credential in the
   *  sandbox), for routes the emulator's ARM front door does not forward. */
  direct(method: string, p: string, body?: unknown, as?: Principal): Promise<Response>;
  /** ARM first; straight to the function app when ARM answers 400 InvalidResourceType (not forwarded). */
  armOrDirect(method: string, p: string, body?: unknown, as?: Principal): Promise<Response & { via: "ARM" | "direct"; armRefused?: string }>;
  /** PUT a linker (raw body, api-version 2024-04-01) and follow Azure-AsyncOperation to the end. */
  putLinker(sourceId: string, name: string, properties: Record<string, unknown>, as?: Principal): Promise<OperationEnd>;
  /** DELETE a linker and wait for the operation (204/200 or the async operation). */
  deleteLinker(sourceId: string, name: string, as?: Principal): Promise<OperationEnd>;
  /** validateLinker and wait: the ValidateOperationResult properties. */
  validateLinker(sourceId: string, name: string, as?: Principal): Promise<{ end: OperationEnd; result?: ValidateResult }>;
  /** The source's app settings as ARM lists them (admin). */
  appSettings(siteId: string): Promise<Record<string, string>>;
  queue(name: string): QueueClient;
}

export interface OperationEnd {
  status: string;
  error?: { code?: string; message?: string };
  properties?: any;
  httpStatus: number;
}

export interface ValidateResult {
  isConnectionAvailable?: boolean;
  validationDetail?: { name?: string; result?: string; errorMessage?: string; errorCode?: string; description?: string }[];
}

export function linkerPath(sourceId: string, name: string): string {
  return `${sourceId}/providers/Microsoft.ServiceLinker/linkers/${name}`;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function sandboxClient(s: SandboxFile = readSandbox()): SandboxClient {
  const credentials = new Map<Principal, ClientSecretCredential>();
  const credential = (as: Principal = "admin") => {
    let c = credentials.get(as);
    if (!c) {
      const p = s.principals[as];
      if (!p?.clientId || !p.clientSecret) throw new Error(`.sandbox/sandbox.json has no principal '${as}' with a secret`);
      c = new ClientSecretCredential(s.tenantId, p.clientId, p.clientSecret, { authorityHost: s.authorityHost, disableInstanceDiscovery: true });
      credentials.set(as, c);
    }
    return c;
  };
  const send = async (base: string, method: string, p: string, body?: unknown, as: Principal = "admin"): Promise<Response> => {
    const token = (await credential(as).getToken("https://management.azure.com/.default"))!.token;
    const r = await fetch(new URL(p, base), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await r.text();
    return { status: r.status, headers: Object.fromEntries(r.headers), text, json: () => JSON.parse(text) };
  };
  const arm = (method: string, p: string, body?: unknown, as: Principal = "admin") => send(s.armEndpoint, method, p, body, as);
  const direct = (method: string, p: string, body?: unknown, as: Principal = "admin") => send(s.functionsEndpoint, method, p, body, as);
  const follow = async (res: Response, as: Principal, deadlineMs = 60_000): Promise<OperationEnd> => {
    if (res.status >= 400) {
      let error: OperationEnd["error"] = { code: String(res.status), message: res.text.slice(0, 500) };
      try { error = res.json().error ?? error; } catch { /* not JSON */ }
      return { status: "Failed", error, httpStatus: res.status };
    }
    const statusUrl = res.headers["azure-asyncoperation"];
    if (!statusUrl) return { status: "Succeeded", httpStatus: res.status };
    const u = new URL(statusUrl);
    const deadline = Date.now() + deadlineMs;
    for (;;) {
      const doc = (await arm("GET", u.pathname + u.search, undefined, as)).json();
      if (["Succeeded", "Failed", "Canceled"].includes(doc.status)) {
        return { status: doc.status, error: doc.error, properties: doc.properties, httpStatus: res.status };
      }
      if (Date.now() > deadline) return { status: "TimedOut", error: { message: `still ${doc.status} after ${deadlineMs / 1000} s` }, httpStatus: res.status };
      await sleep(100);
    }
  };
  return {
    s, credential, arm, direct,
    async armOrDirect(method, p, body, as = "admin") {
      const r = await arm(method, p, body, as);
      if (r.status === 400 && /InvalidResourceType/.test(r.text)) {
        return { ...(await direct(method, p, body, as)), via: "direct", armRefused: `${r.status} ${(() => { try { return r.json().error?.code; } catch { return ""; } })()}` };
      }
      return { ...r, via: "ARM" };
    },
    async putLinker(sourceId, name, properties, as = "admin") {
      return follow(await arm("PUT", `${linkerPath(sourceId, name)}?api-version=${API}`, { properties }, as), as);
    },
    async deleteLinker(sourceId, name, as = "admin") {
      return follow(await arm("DELETE", `${linkerPath(sourceId, name)}?api-version=${API}`, undefined, as), as);
    },
    async validateLinker(sourceId, name, as = "admin") {
      const end = await follow(await arm("POST", `${linkerPath(sourceId, name)}/validateLinker?api-version=${API}`, undefined, as), as);
      return { end, result: end.properties as ValidateResult | undefined };
    },
    async appSettings(siteId) {
      const r = await arm("POST", `${siteId}/config/appsettings/list?api-version=2023-12-01`);
      if (r.status !== 200) throw new Error(`listing the app settings of ${siteId.split("/").pop()}: HTTP ${r.status} ${r.text.slice(0, 200)}`);
      return (r.json().properties ?? {}) as Record<string, string>;
    },
    queue: (name) => new QueueClient(s.storageConnectionString, name),
  };
}

export const shortId = (id: string) => id.split("/").slice(-1)[0] ?? id;
