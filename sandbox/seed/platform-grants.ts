// What a platform team grants linkwright's own identity at deployment so every README feature works on the demo
// resources, done as the sandbox's `admin` principal (Owner) would: the data roles of PLATFORM_ROLE_GRANTS (Key Vault
// Secrets Officer on the demo vault for `secretStore`, App Configuration Data Owner on the demo store for
// `configurationStore`; infra/README.md, "Optional grants, per feature"), and Microsoft Entra admin of the three demo
// database servers for database users (PostgreSQL flexible: Entra auth on + administrators/{oid}; MySQL flexible: a
// user-assigned identity on the server + administrators/ActiveDirectory; Azure SQL: administrators/ActiveDirectory).
// Contributor and User Access Administrator on the subscription come with the seed (sandbox/seed/index.ts).
// `npm start` applies it and lists it in its banner; tests that start from the bare seed (to see the missing
// prerequisites reported) do not. Idempotent: role assignments are found again, every ARM write is a PUT/PATCH of the
// same content.
import { readFileSync } from "node:fs";
import https from "node:https";
import type { ArmEmulator } from "../arm/index.js";
import { LINKWRIGHT_APP_IDENTITY } from "./index.js";

/** The login name linkwright's system-assigned identity has: its function app's name. */
export const LINKWRIGHT_ADMIN_LOGIN = LINKWRIGHT_APP_IDENTITY;

const API = { postgres: "2024-08-01", mysql: "2023-12-30", sql: "2023-08-01" } as const;

function request(arm: ArmEmulator, token: string, method: string, path: string, body: unknown): Promise<{ status: number; text: string }> {
  const url = new URL(path, arm.endpoint);
  return new Promise((resolve, reject) => {
    const req = https.request(url, {
      method, ca: readFileSync(arm.caCertFile), timeout: 10_000,
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

/** The data roles linkwright's identity holds on demo resources (`resource`: a key of seedResult.resources), and the
 *  README feature that needs each. */
export const PLATFORM_ROLE_GRANTS = [
  { role: "Key Vault Secrets Officer", resource: "keyVault", feature: "secretStore (secrets kept in Key Vault)" },
  { role: "App Configuration Data Owner", resource: "appConfig", feature: "configurationStore (App Configuration destination)" },
] as const;

/** Grants linkwright's seeded identity the data-plane rights a deployment would; returns one line per grant. */
export async function grantLinkwrightPlatformAccess(arm: ArmEmulator): Promise<string[]> {
  const seed = arm.seedResult;
  if (!seed) throw new Error("The emulator was started without the seed: linkwright has no managed identity.");
  const ids = seed.resources;
  const oid = seed.linkwrightIdentity.principalId;
  const token = await arm.tokenFor(arm.credentials.admin.objectId, "https://management.azure.com/");
  const call = async (method: string, path: string, body: unknown) => {
    const res = await request(arm, token, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path.split("?")[0]}: HTTP ${res.status} ${res.text.slice(0, 300)}`);
  };
  const serverOf = (databaseId: string) => databaseId.replace(/\/databases\/[^/]+$/i, "");
  const done: string[] = [];

  for (const grant of PLATFORM_ROLE_GRANTS) {
    const scope = ids[grant.resource];
    if (!scope) continue;
    arm.assignRole(oid, grant.role, scope);
    done.push(`${grant.role} on ${scope.split("/").pop()}`);
  }
  if (ids.postgresDatabase) {
    const server = serverOf(ids.postgresDatabase);
    await call("PATCH", `${server}?api-version=${API.postgres}`, { properties: { authConfig: { activeDirectoryAuth: "Enabled", passwordAuth: "Enabled" } } });
    await call("PUT", `${server}/administrators/${oid}?api-version=${API.postgres}`,
      { properties: { principalType: "ServicePrincipal", principalName: LINKWRIGHT_ADMIN_LOGIN, tenantId: arm.tenantId } });
    done.push(`Microsoft Entra admin of ${server.split("/").pop()}`);
  }
  if (ids.mysqlDatabase && ids.userIdentity) {
    const server = serverOf(ids.mysqlDatabase);
    await call("PATCH", `${server}?api-version=${API.mysql}`, { identity: { type: "UserAssigned", userAssignedIdentities: { [ids.userIdentity]: {} } } });
    await call("PUT", `${server}/administrators/ActiveDirectory?api-version=${API.mysql}`, {
      properties: { administratorType: "ActiveDirectory", login: LINKWRIGHT_ADMIN_LOGIN, sid: oid, tenantId: arm.tenantId, identityResourceId: ids.userIdentity },
    });
    done.push(`Microsoft Entra admin of ${server.split("/").pop()}`);
  }
  if (ids.sqlDatabase) {
    const server = serverOf(ids.sqlDatabase);
    await call("PUT", `${server}/administrators/ActiveDirectory?api-version=${API.sql}`,
      { properties: { administratorType: "ActiveDirectory", login: LINKWRIGHT_ADMIN_LOGIN, sid: oid, tenantId: arm.tenantId } });
    done.push(`Microsoft Entra admin of ${server.split("/").pop()}`);
  }
  return done;
}
