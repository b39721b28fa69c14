// Caller authorization, tried as an outsider would: the seeded sandbox (team: Contributor on lw-demo-web, RBAC
// Administrator on lwdemostorage; dev: the same, as a user), the real function app in the dev host, requests sent
// either straight to the function app or through the ARM endpoint (which forwards Microsoft.ServiceLinker with the
// caller's token, as ARM does), and everything an attack could touch captured before and after.
import { startLinkwright, type Linkwright } from "../connections/linkwright.js";
import { rawRequest } from "../sandbox-arm/support/raw.js";

export const API_VERSION = "2024-04-01";
export type Via = "direct" | "arm";

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
}

export interface SecuritySandbox {
  lw: Linkwright;
  ids: Record<string, string>;
  /** ARM-audience token of a principal (display name, object id or client id). */
  armToken(principal: string): Promise<string>;
  /** A token for linkwright's own audience (users: pass `scp`). */
  appToken(principal: string, extra?: { scp?: string; roles?: string[] }): Promise<string>;
  /** One request as `token`, to the function app or through the ARM endpoint; `path` may carry its own query. */
  call(via: Via, token: string, method: string, path: string, body?: unknown): Promise<Reply>;
  /** Follows an Azure-AsyncOperation URL (either endpoint) as `token` until it ends. */
  poll(token: string, statusUrl: string): Promise<any>;
  /** Everything an attack could change: the ARM store (settings, identities, role assignments, Key Vault secrets and
   *  versions, firewall rules, App Configuration keys) and the database servers' principals and statements. */
  state(): string;
  stop(): Promise<void>;
}

const withApiVersion = (path: string) => (path.includes("api-version=") ? path : `${path}${path.includes("?") ? "&" : "?"}api-version=${API_VERSION}`);

export async function startSecuritySandbox(env: Record<string, string> = {}): Promise<SecuritySandbox> {
  const lw = await startLinkwright({ databases: true, extraFunctions: [], env });
  const arm = lw.te.emulator;
  const seed = arm.seedResult!;
  const dbFqdns = () => ["postgresDatabase", "mysqlDatabase", "sqlDatabase"].map((k) => seed.resources[k]).filter((id): id is string => Boolean(id))
    .map((id) => (arm.store.get(id.replace(/\/databases\/[^/]+$/i, ""))?.properties as { fullyQualifiedDomainName?: string } | undefined)?.fullyQualifiedDomainName)
    .filter((f): f is string => Boolean(f));
  const call: SecuritySandbox["call"] = async (via, token, method, path, body) => {
    const p = withApiVersion(path);
    if (via === "arm") {
      const r = await rawRequest(lw.te.endpoint, method, p, { token, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
      return { status: r.status, headers: r.headers, json: r.text ? JSON.parse(r.text) : undefined };
    }
    const r = await fetch(`${lw.host.baseUrl}${p}`, {
      method, headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { "content-type": "application/json" } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await r.text();
    return { status: r.status, headers: Object.fromEntries(r.headers), json: text ? JSON.parse(text) : undefined };
  };
  return {
    lw,
    ids: seed.resources,
    armToken: (principal) => arm.tokenFor(principal, "https://management.azure.com"),
    appToken: (principal, extra) => arm.tokenFor(principal, seed.linkwrightApp.audience, extra),
    call,
    async poll(token, statusUrl) {
      const u = new URL(statusUrl);
      const via: Via = u.origin === new URL(lw.te.endpoint).origin ? "arm" : "direct";
      const deadline = Date.now() + 45_000;
      for (;;) {
        const r = await call(via, token, "GET", u.pathname + u.search);
        if (r.status !== 200) return { status: `HTTP ${r.status}`, error: r.json?.error };
        if (["Succeeded", "Failed", "Canceled"].includes(r.json.status)) return r.json;
        if (Date.now() > deadline) throw new Error(`operation still ${r.json.status} after 45 s`);
        await new Promise((res) => setTimeout(res, 50));
      }
    },
    state: () => JSON.stringify({
      arm: lw.comparableState(),
      databases: dbFqdns().map((f) => ({ f, principals: lw.databases!.emulators.principals(f), executed: lw.databases!.emulators.executed(f).length })),
    }),
    stop: () => lw.stop(),
  };
}

/** Waits long enough for anything an accepted request would have started to show in the state. */
export const settle = () => new Promise((r) => setTimeout(r, 400));
