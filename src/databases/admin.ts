// The prerequisite every database user needs: linkwright's own identity is the server's Microsoft Entra admin
// (SQL servers/administrators/ActiveDirectory; PostgreSQL flexible administrators/{objectId} plus
// authConfig.activeDirectoryAuth = Enabled; MySQL flexible administrators/ActiveDirectory). Read through ARM;
// when it is not met the answer names it and the exact `az` command that fixes it.
import type { RestError } from "@azure/core-rest-pipeline";
import type { ArmClients } from "../azure/clients.js";
import { genericArm } from "../azure/armGeneric.js";
import { parseResourceId } from "../azure/resourceId.js";
import type { DatabaseEngine } from "../model/steps.js";

/** Who linkwright is (from the claims of its own token). */
export interface SelfIdentity {
  objectId: string;
  clientId?: string;
  /** The name an admin entry for linkwright would carry (its app's name for a system-assigned identity). */
  displayName: string;
}

export type AdminCheck =
  | { ok: true; fqdn: string; login: string }
  | { ok: false; fqdn?: string; reason: string; commands: string[] };

function server(serverId: string): { rg: string; name: string } {
  const p = parseResourceId(serverId);
  if (!p?.resourceGroup) throw new Error(`Not a server resource id: ${serverId}`);
  return { rg: p.resourceGroup, name: serverId.split("/").pop()! };
}

function q(value: string): string {
  return /^[A-Za-z0-9._\-/:]+$/.test(value) ? value : `"${value.replace(/(["\\$`])/g, "\\$1")}"`;
}

/** The `az` commands that make linkwright the server's Entra admin (and, for PostgreSQL, enable Entra auth). */
export function adminCommands(engine: DatabaseEngine, serverId: string, self: SelfIdentity, mysqlIdentityId?: string): string[] {
  const { rg, name } = server(serverId);
  const who = `--display-name ${q(self.displayName)} --object-id ${self.objectId}`;
  switch (engine) {
    case "sql":
      return [`az sql server ad-admin create --resource-group ${q(rg)} --server-name ${q(name)} ${who}`];
    case "postgresql":
      return [
        `az postgres flexible-server update --resource-group ${q(rg)} --name ${q(name)} --active-directory-auth Enabled`,
        `az postgres flexible-server ad-admin create --resource-group ${q(rg)} --server-name ${q(name)} ${who} --type ServicePrincipal`,
      ];
    case "mysql":
      return [`az mysql flexible-server ad-admin create --resource-group ${q(rg)} --server-name ${q(name)} ${who} --identity ${q(mysqlIdentityId ?? "<user-assigned identity of the server>")}`];
  }
}

async function getOrUndefined(clients: ArmClients, id: string): Promise<Record<string, unknown> | undefined> {
  try {
    return await genericArm(clients).getResource(id);
  } catch (e) {
    if ((e as RestError).statusCode === 404) return undefined;
    throw e;
  }
}

function props(r: Record<string, unknown> | undefined): Record<string, unknown> {
  return (r?.properties ?? {}) as Record<string, unknown>;
}

function sameId(a: unknown, ids: (string | undefined)[]): boolean {
  return typeof a === "string" && ids.some((id) => id !== undefined && id.toLowerCase() === a.toLowerCase());
}

/** Reads the server and its Entra admin; ok when linkwright (by object id, or client id for SQL apps) is the admin. */
export async function checkEntraAdmin(clients: ArmClients, engine: DatabaseEngine, serverId: string, self: SelfIdentity): Promise<AdminCheck> {
  const srv = await getOrUndefined(clients, serverId);
  if (!srv) return { ok: false, reason: `The server ${serverId} was not found.`, commands: [] };
  const fqdn = String(props(srv).fullyQualifiedDomainName ?? "");
  if (!fqdn) return { ok: false, reason: `The server ${serverId} reports no fullyQualifiedDomainName.`, commands: [] };
  const mysqlIdentity = Object.keys(((srv.identity as { userAssignedIdentities?: Record<string, unknown> } | undefined)?.userAssignedIdentities) ?? {})[0];
  const commands = adminCommands(engine, serverId, self, mysqlIdentity);
  const notAdmin = (current: string) => ({
    ok: false as const, fqdn, commands,
    reason: `linkwright's identity (object id ${self.objectId}) is not the Microsoft Entra admin of ${fqdn}${current}.`,
  });

  if (engine === "postgresql") {
    const auth = (props(srv).authConfig ?? {}) as Record<string, unknown>;
    if (String(auth.activeDirectoryAuth ?? "").toLowerCase() !== "enabled") {
      return { ok: false, fqdn, commands, reason: `Microsoft Entra authentication is not enabled on ${fqdn} (authConfig.activeDirectoryAuth is '${String(auth.activeDirectoryAuth ?? "unset")}').` };
    }
    const admin = await getOrUndefined(clients, `${serverId}/administrators/${self.objectId}`);
    if (!admin) return notAdmin("");
    return { ok: true, fqdn, login: String(props(admin).principalName) };
  }

  const admin = await getOrUndefined(clients, `${serverId}/administrators/ActiveDirectory`);
  const p = props(admin);
  if (!admin) return notAdmin(" (the server has no Microsoft Entra admin)");
  if (!sameId(p.sid, [self.objectId, self.clientId])) return notAdmin(` (its admin is '${String(p.login)}', sid ${String(p.sid)})`);
  return { ok: true, fqdn, login: String(p.login) };
}

/** linkwright's object id and client id from the claims of one of its own access tokens (read, not verified: it is ours). */
export function selfFromToken(token: string, displayName: string): SelfIdentity {
  const payload = token.split(".")[1];
  let claims: { oid?: string; appid?: string; azp?: string };
  try {
    claims = JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as typeof claims;
  } catch {
    throw new Error("linkwright's access token is not a JWT; cannot tell its object id.");
  }
  if (!claims.oid) throw new Error("linkwright's access token has no oid claim.");
  return { objectId: claims.oid, clientId: claims.appid ?? claims.azp, displayName };
}
