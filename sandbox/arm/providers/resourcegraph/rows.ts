// Resource Graph's `Resources` table over the emulator's store: which stored resources appear, and their row shape
// (type lower-cased, resourceGroup/subscriptionId/tenantId columns). Reference: arm-surface §2.11.
import type { StoredResource } from "../../core/contract.js";
import { parseResourceId } from "../../core/ids.js";
import { render } from "../kit/wire-shape.js";

/** Types Resource Graph keeps in other tables (ResourceContainers, AuthorizationResources) or not at all. */
// As in Azure's `resources` table: no subscriptions/groups/role data, no extension resources such as diagnostic
// settings; Application Insights components (microsoft.insights/components) are listed.
const EXCLUDED_NAMESPACES = ["microsoft.resources", "microsoft.authorization", "microsoft.insights/diagnosticsettings"];
const EXCLUDED_CHILD_TYPES = ["/config", "/functions", "/secrets", "/accesspolicies"];

export function isGraphResource(r: StoredResource): boolean {
  const type = r.type.toLowerCase();
  if (EXCLUDED_NAMESPACES.some((ns) => type.startsWith(`${ns}/`) || type === ns)) return false;
  if (EXCLUDED_CHILD_TYPES.some((t) => type.endsWith(t))) return false;
  return typeof r.location === "string";
}

export function graphRow(r: StoredResource, tenantId: string): Record<string, unknown> {
  const w = render(r);
  const p = parseResourceId(r.id);
  return {
    id: r.id, name: r.name, type: r.type.toLowerCase(), tenantId, kind: r.kind ?? "", location: r.location ?? "",
    resourceGroup: (p.resourceGroup ?? "").toLowerCase(), subscriptionId: p.subscriptionId ?? "", managedBy: "",
    sku: w.sku ?? null, plan: null, properties: w.properties ?? {}, tags: w.tags ?? {}, identity: w.identity ?? null,
    zones: null, extendedLocation: null,
  };
}

const ROLE_ASSIGNMENT_TYPE = "microsoft.authorization/roleassignments";

export function isRoleAssignment(r: StoredResource): boolean {
  return r.type.toLowerCase() === ROLE_ASSIGNMENT_TYPE;
}

/** An `AuthorizationResources` row of a role assignment: Resources' columns, type lower-cased, the assignment's
 *  properties (principalId, principalType, roleDefinitionId, scope, createdOn, …) as ARM returns them. */
export function authorizationRow(r: StoredResource, tenantId: string): Record<string, unknown> {
  const p = parseResourceId(r.id);
  return {
    id: r.id, name: r.name, type: ROLE_ASSIGNMENT_TYPE, tenantId, kind: "", location: "",
    resourceGroup: (p.resourceGroup ?? "").toLowerCase(), subscriptionId: p.subscriptionId ?? "", managedBy: "",
    sku: null, plan: null, properties: structuredClone(r.properties ?? {}), tags: null, identity: null, zones: null, extendedLocation: null,
  };
}
