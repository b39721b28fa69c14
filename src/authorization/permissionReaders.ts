// Where a caller's permissions come from (I/O). Three ways, one shape (entries at a scope):
//  - the caller's own ARM credential (its ARM token, or one obtained on its behalf): ARM's permissions API answers
//    what that principal may do at the scope, inherited assignments and group memberships included;
//  - an application caller (app-only tokens cannot be exchanged on-behalf-of): its role assignments at and above the
//    scope, read with linkwright's own identity, joined with their role definitions;
//  - deny assignments, read with linkwright's own identity once per subscription (the permissions API does not apply
//    them), evaluated in src/authorization/permissions.ts.
// Every call goes through an official SDK client from the one factory (src/azure/clients.ts).
import { createHttpHeaders, createPipelineRequest } from "@azure/core-rest-pipeline";
import { LRUCache } from "lru-cache";
import type { ArmClients } from "../azure/clients.js";
import { subscriptionOf } from "../azure/resourceId.js";
import type { DenyAssignmentView, PermissionEntry } from "./permissions.js";

/** The permissions API version that returns each entry's `condition` (the SDK's model predates it and drops it). */
const PERMISSIONS_API_VERSION = "2022-04-01";
const MAX_PAGES = 20;

export interface PermissionReader {
  /** The principal's effective permission entries at `scope`. */
  at(scope: string): Promise<PermissionEntry[]>;
}

function requireSubscription(scope: string): string {
  const sub = subscriptionOf(scope);
  if (!sub) throw Object.assign(new Error(`'${scope}' is not in a subscription.`), { statusCode: 400 });
  return sub;
}

/** `GET {scope}/providers/Microsoft.Authorization/permissions` with the clients' credential (the caller's). */
export function permissionsApiReader(clients: ArmClients): PermissionReader {
  return {
    async at(scope) {
      const client = clients.authorization(requireSubscription(scope));
      const entries: PermissionEntry[] = [];
      let url: string | undefined = `${clients.armEndpoint.replace(/\/+$/, "")}${scope}/providers/Microsoft.Authorization/permissions?api-version=${PERMISSIONS_API_VERSION}`;
      for (let page = 0; url && page < MAX_PAGES; page++) {
        const response = await client.sendRequest(createPipelineRequest({ url, method: "GET", headers: createHttpHeaders({ accept: "application/json" }) }));
        // A scope that does not exist (its resource group is gone) grants nothing.
        if (response.status === 404) return [];
        if (response.status !== 200) {
          const err = JSON.parse(response.bodyAsText || "{}") as { error?: { code?: string; message?: string } };
          throw Object.assign(new Error(`Reading the caller's permissions at ${scope} failed: HTTP ${response.status} ${err.error?.code ?? ""} ${err.error?.message ?? ""}`.trim()),
            { statusCode: response.status, code: err.error?.code });
        }
        const body = JSON.parse(response.bodyAsText ?? "{}") as { value?: PermissionEntry[]; nextLink?: string | null };
        entries.push(...(body.value ?? []));
        url = body.nextLink ?? undefined;
      }
      return entries;
    },
  };
}

/** An application's permissions from its role assignments at and above `scope` (read with linkwright's identity). */
export function roleAssignmentReader(ownClients: ArmClients, principalId: string, roleDefinitions: RoleDefinitionCache): PermissionReader {
  return {
    async at(scope) {
      const client = ownClients.authorization(requireSubscription(scope));
      const entries: PermissionEntry[] = [];
      try {
        for await (const a of client.roleAssignments.listForScope(scope, { filter: `atScope() and assignedTo('${principalId}')` })) {
          if (!a.roleDefinitionId || (a.principalId ?? "").toLowerCase() !== principalId.toLowerCase()) continue;
          const permissions = await roleDefinitions.permissionsOf(client, a.roleDefinitionId);
          for (const p of permissions) entries.push({ ...p, condition: a.condition ?? null, conditionVersion: a.conditionVersion ?? null });
        }
      } catch (e) {
        // A scope linkwright cannot read (outside what it manages) or that does not exist: nothing is known to be
        // granted there, so nothing is (linkwright could not act there either).
        if (isOutOfReach(e)) return [];
        throw e;
      }
      return entries;
    },
  };
}

/** Role definitions by id, reused as long as permission answers are (a custom role's edit shows as soon). */
export class RoleDefinitionCache {
  private readonly byId: LRUCache<string, Promise<PermissionEntry[]>>;
  constructor(ttlMs: number) {
    this.byId = new LRUCache({ max: 1000, ttl: Math.max(1, ttlMs) });
  }
  permissionsOf(client: ReturnType<ArmClients["authorization"]>, roleDefinitionId: string): Promise<PermissionEntry[]> {
    const key = roleDefinitionId.toLowerCase();
    let p = this.byId.get(key);
    if (!p) {
      p = client.roleDefinitions.getById(roleDefinitionId).then((d) => (d.permissions ?? []).map((x) => ({
        actions: x.actions ?? [], notActions: x.notActions ?? [], dataActions: x.dataActions ?? [], notDataActions: x.notDataActions ?? [],
      })));
      p.catch(() => this.byId.delete(key));
      this.byId.set(key, p);
    }
    return p;
  }
}

/** Every deny assignment at, above or below a subscription (one list call; read with linkwright's identity), or
 *  undefined when linkwright may not list them there (a deployment scoped to some resource groups): then they are
 *  read per scope (denyAssignmentsAt). */
export async function denyAssignmentsIn(ownClients: ArmClients, subscriptionId: string): Promise<DenyAssignmentView[] | undefined> {
  const out: DenyAssignmentView[] = [];
  try {
    await collectDenyAssignments(ownClients, `/subscriptions/${subscriptionId}`, undefined, out);
  } catch (e) {
    if (isOutOfReach(e)) return undefined;
    throw e;
  }
  return out;
}

/** The deny assignments at and above one scope. A scope linkwright cannot read is one it cannot act at either: none. */
export async function denyAssignmentsAt(ownClients: ArmClients, scope: string): Promise<DenyAssignmentView[]> {
  const out: DenyAssignmentView[] = [];
  try {
    await collectDenyAssignments(ownClients, scope, "atScope()", out);
  } catch (e) {
    if (isOutOfReach(e)) return [];
    throw e;
  }
  return out;
}

/** 401/403/404 from ARM: the scope is outside linkwright's reach (another tenant, no role, gone). */
function isOutOfReach(e: unknown): boolean {
  const status = (e as { statusCode?: unknown }).statusCode;
  return status === 401 || status === 403 || status === 404;
}

async function collectDenyAssignments(ownClients: ArmClients, scope: string, filter: string | undefined, out: DenyAssignmentView[]): Promise<void> {
  for await (const d of ownClients.authorization(requireSubscription(scope)).denyAssignments.listForScope(scope, filter ? { filter } : {})) {
    out.push({
      ...(d.id ? { id: d.id } : {}),
      scope: d.scope ?? "/",
      doNotApplyToChildScopes: d.doNotApplyToChildScopes ?? false,
      permissions: (d.permissions ?? []).map((p) => ({ actions: p.actions ?? [], notActions: p.notActions ?? [], dataActions: p.dataActions ?? [], notDataActions: p.notDataActions ?? [] })),
      principals: (d.principals ?? []).map((p) => p.id ?? "").filter(Boolean),
      excludePrincipals: (d.excludePrincipals ?? []).map((p) => p.id ?? "").filter(Boolean),
    });
  }
}
