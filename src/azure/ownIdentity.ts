// linkwright's own principal, learned from its credential: the claims of an ARM token it holds (decoded, not
// verified: it is our own token). The activity log names a caller by UPN (users), application id or object id
// (service principals, managed identities), so all of them are kept. Cached per ArmClients.
import type { ArmClients } from "./clients.js";

const cache = new WeakMap<ArmClients, Promise<string[]>>();

/** The identifying claims (oid, appid, azp, upn, unique_name) of a JWT's payload; [] when it is not a JWT. */
export function callerIdsOfToken(token: string): string[] {
  const payload = token.split(".")[1];
  if (!payload) return [];
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Record<string, unknown>;
    const ids = ["oid", "appid", "azp", "upn", "unique_name"].map((k) => claims[k]).filter((v): v is string => typeof v === "string" && v !== "");
    return [...new Set(ids)];
  } catch {
    return [];
  }
}

/** The ARM token scope of these clients (`{armEndpoint}/.default`). */
export function armScopeOf(clients: ArmClients): string {
  return `${clients.armEndpoint.replace(/\/+$/, "")}/.default`;
}

/** Who linkwright is in the activity log. A failed token request is not cached (the next call asks again). */
export function ownCallerIds(clients: ArmClients): Promise<string[]> {
  let ids = cache.get(clients);
  if (!ids) {
    ids = clients.dataPlaneToken(armScopeOf(clients)).then(callerIdsOfToken);
    ids.catch(() => cache.delete(clients));
    cache.set(clients, ids);
  }
  return ids;
}
