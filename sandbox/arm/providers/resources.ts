// Microsoft.Resources: subscriptions (get/list), tenants (list), resource groups (CRUD, HEAD, list; delete is an
// LRO when the control surface asks for one), and generic resource listing by subscription / resource group.
// Generic get-by-id (resources.getById) needs no route: the core answers GET/HEAD of any stored resource,
// and ids owned by a provider route are answered by that route whatever the api-version.
import { ArmError, type Provider, type RouteContext, type StoredResource } from "../core/contract.js";
import type { CoreProviderDeps } from "../core/provider-registry.js";
import { armErrors } from "../core/errors.js";
import { isAtOrBelow, parseResourceId } from "../core/ids.js";
import { ROLE_ASSIGNMENT_TYPE } from "../core/rbac.js";
import { requireResourceGroup } from "./kit/resource-lookup.js";

export const SUBSCRIPTION_TYPE = "Microsoft.Resources/subscriptions";
export const RESOURCE_GROUP_TYPE = "Microsoft.Resources/resourceGroups";

const RG = "/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}";
const RG_NAME = /^[-\w._()]{1,90}$/;

/** A subscription as stored; rendered by `renderSubscription`. */
export function subscriptionResource(subscriptionId: string, tenantId: string, displayName: string): StoredResource {
  return {
    id: `/subscriptions/${subscriptionId}`, name: subscriptionId, type: SUBSCRIPTION_TYPE,
    subscriptionId, tenantId, displayName, state: "Enabled",
  };
}

function renderSubscription(r: StoredResource): Record<string, unknown> {
  return {
    id: r.id, authorizationSource: "RoleBased", managedByTenants: [], subscriptionId: r.subscriptionId, tenantId: r.tenantId,
    displayName: r.displayName, state: r.state ?? "Enabled",
    subscriptionPolicies: { locationPlacementId: "Public_2014-09-01", quotaId: "PayAsYouGo_2014-09-01", spendingLimit: "Off" },
  };
}

function renderGroup(r: StoredResource): Record<string, unknown> {
  const out: Record<string, unknown> = { id: r.id, name: r.name, type: r.type, location: r.location, properties: r.properties ?? { provisioningState: "Succeeded" } };
  if (r.tags) out.tags = r.tags;
  if (r.managedBy) out.managedBy = r.managedBy;
  return out;
}

function renderGeneric(r: StoredResource): Record<string, unknown> {
  const out: Record<string, unknown> = { id: r.id, name: r.name, type: r.type };
  for (const k of ["location", "kind", "sku", "identity", "tags", "managedBy", "plan"] as const) if (r[k] !== undefined) out[k] = r[k];
  return out;
}

function checkTags(tags: unknown): Record<string, string> | undefined {
  if (tags === undefined || tags === null) return undefined;
  if (typeof tags !== "object" || Array.isArray(tags) || Object.values(tags).some((v) => typeof v !== "string"))
    throw new ArmError(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: 'tags must be an object of string values'.");
  return tags as Record<string, string>;
}

function groupId(ctx: RouteContext): string {
  return `/subscriptions/${ctx.params.subscriptionId}/resourceGroups/${ctx.params.resourceGroupName}`;
}

/** Whether the caller holds any role assignment that reaches into (or encloses) `scope`. */
function hasAnyAccess(ctx: RouteContext, scope: string): boolean {
  const oid = ctx.req.caller.objectId.toLowerCase();
  return ctx.store.all().some((a) => {
    if (a.type.toLowerCase() !== ROLE_ASSIGNMENT_TYPE.toLowerCase()) return false;
    const p = a.properties as { principalId?: string; scope?: string };
    if (p.principalId?.toLowerCase() !== oid) return false;
    return isAtOrBelow(p.scope ?? "", scope) || isAtOrBelow(scope, p.scope ?? "");
  });
}

function odataValue(filter: string, field: string): string | undefined {
  const m = new RegExp(`${field}\\s+eq\\s+'((?:[^']|'')*)'`, "i").exec(filter);
  return m?.[1].replace(/''/g, "'");
}

/** Top-level tracked resources under `scope` (not groups, child or extension resources), honouring $filter. */
function listResources(ctx: RouteContext, scope: string): Record<string, unknown>[] {
  const filter = ctx.req.query.get("$filter") ?? "";
  const type = odataValue(filter, "resourceType");
  const tagName = odataValue(filter, "tagName");
  const tagValue = odataValue(filter, "tagValue");
  const name = odataValue(filter, "name");
  return ctx.store.list(scope).filter((r) => {
    const p = parseResourceId(r.id);
    if (!p.resourceGroup || p.typeSegments.length !== 1 || !p.parent) return false;
    if (p.parent.toLowerCase() !== `/subscriptions/${p.subscriptionId}/resourcegroups/${p.resourceGroup}`.toLowerCase()) return false;
    if (type && r.type.toLowerCase() !== type.toLowerCase()) return false;
    if (name && r.name.toLowerCase() !== name.toLowerCase()) return false;
    if (tagName && !(r.tags && Object.keys(r.tags).some((k) => k.toLowerCase() === tagName.toLowerCase()
      && (tagValue === undefined || r.tags![k] === tagValue)))) return false;
    return true;
  }).map(renderGeneric);
}

export function resourcesProvider(deps: CoreProviderDeps): Provider {
  return {
    namespace: "Microsoft.Resources",
    routes: [
      {
        method: "GET", template: "/subscriptions", action: "Microsoft.Resources/subscriptions/read", skipRbac: true,
        handle: (ctx) => ({
          status: 200,
          body: ctx.services.page(ctx.store.all().filter((r) => r.type === SUBSCRIPTION_TYPE && hasAnyAccess(ctx, r.id)).map(renderSubscription), ctx),
        }),
      },
      {
        method: "GET", template: "/subscriptions/{subscriptionId}", action: "Microsoft.Resources/subscriptions/read",
        handle: (ctx) => {
          const s = ctx.store.get(`/subscriptions/${ctx.params.subscriptionId}`);
          if (!s) throw armErrors.subscriptionNotFound(ctx.params.subscriptionId);
          return { status: 200, body: renderSubscription(s) };
        },
      },
      {
        method: "GET", template: "/tenants", action: "Microsoft.Resources/tenants/read", skipRbac: true,
        handle: (ctx) => ({
          status: 200,
          body: ctx.services.page([{
            id: `/tenants/${deps.tenantId}`, tenantId: deps.tenantId, tenantCategory: "Home", country: "US", countryCode: "US",
            displayName: "linkwright sandbox", domains: ["linkwright.sandbox"], defaultDomain: "linkwright.sandbox", tenantType: "AAD",
          }], ctx),
        }),
      },
      {
        method: "GET", template: "/subscriptions/{subscriptionId}/resourcegroups", action: "Microsoft.Resources/subscriptions/resourceGroups/read",
        handle: (ctx) => {
          const filter = ctx.req.query.get("$filter") ?? "";
          const tagName = odataValue(filter, "tagName");
          const tagValue = odataValue(filter, "tagValue");
          const groups = ctx.store.children(`/subscriptions/${ctx.params.subscriptionId}`, RESOURCE_GROUP_TYPE)
            .filter((g) => !tagName || (g.tags && g.tags[tagName] !== undefined && (tagValue === undefined || g.tags[tagName] === tagValue)));
          return { status: 200, body: ctx.services.page(groups.map(renderGroup), ctx) };
        },
      },
      {
        method: "GET", template: RG, action: "Microsoft.Resources/subscriptions/resourceGroups/read",
        handle: (ctx) => ({ status: 200, body: renderGroup(requireResourceGroup(ctx)) }),
      },
      {
        method: "HEAD", template: RG, action: "Microsoft.Resources/subscriptions/resourceGroups/read",
        handle: (ctx) => ({ status: ctx.store.get(groupId(ctx)) ? 204 : 404 }),
      },
      {
        method: "PUT", template: RG, action: "Microsoft.Resources/subscriptions/resourceGroups/write",
        handle: (ctx) => {
          const body = ctx.req.body as { location?: unknown; tags?: unknown; managedBy?: unknown } | undefined;
          const name = ctx.params.resourceGroupName;
          if (!RG_NAME.test(name) || name.endsWith("."))
            throw new ArmError(400, "InvalidResourceGroup", `The provided resource group name '${name}' has these invalid characters: '${name.replace(/[-\w._()]/g, "")}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.`);
          if (!body || typeof body.location !== "string" || !body.location)
            throw new ArmError(400, "LocationRequired", "The location property is required for this definition.");
          const existing = ctx.store.get(groupId(ctx));
          if (existing && existing.location?.toLowerCase() !== body.location.toLowerCase())
            throw new ArmError(409, "InvalidResourceGroupLocation",
              `Invalid resource group location '${body.location}'. The Resource group already exists in location '${existing.location}'.`);
          const id = existing?.id ?? `/subscriptions/${ctx.params.subscriptionId}/resourceGroups/${name}`;
          const stored = ctx.store.put({
            id, name: existing?.name ?? name, type: RESOURCE_GROUP_TYPE, location: existing?.location ?? body.location,
            tags: checkTags(body.tags),
            managedBy: body.managedBy, properties: { provisioningState: "Succeeded" },
          });
          return { status: existing ? 200 : 201, body: renderGroup(stored) };
        },
      },
      {
        method: "PATCH", template: RG, action: "Microsoft.Resources/subscriptions/resourceGroups/write",
        handle: (ctx) => {
          const g = requireResourceGroup(ctx);
          const body = (ctx.req.body ?? {}) as { tags?: unknown; managedBy?: string };
          if (body.tags !== undefined) g.tags = checkTags(body.tags);
          if (body.managedBy !== undefined) g.managedBy = body.managedBy;
          return { status: 200, body: renderGroup(ctx.store.put(g)) };
        },
      },
      {
        method: "DELETE", template: RG, action: "Microsoft.Resources/subscriptions/resourceGroups/delete",
        handle: (ctx) => {
          const g = requireResourceGroup(ctx);
          for (const r of ctx.store.list(g.id)) ctx.store.delete(r.id);
          if (ctx.services.lroEnabledFor(ctx)) return { ...ctx.services.longRunning({ status: 202, style: "location" }, ctx), eventResourceId: g.id };
          return { status: 200, eventResourceId: g.id };
        },
      },
      {
        method: "GET", template: "/subscriptions/{subscriptionId}/resources", action: "Microsoft.Resources/subscriptions/resources/read",
        handle: (ctx) => ({ status: 200, body: ctx.services.page(listResources(ctx, `/subscriptions/${ctx.params.subscriptionId}`), ctx) }),
      },
      {
        method: "GET", template: `${RG}/resources`, action: "Microsoft.Resources/subscriptions/resourceGroups/resources/read",
        handle: (ctx) => {
          requireResourceGroup(ctx);
          return { status: 200, body: ctx.services.page(listResources(ctx, groupId(ctx)), ctx) };
        },
      },
    ],
  };
}
