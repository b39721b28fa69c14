// A managed identity lives in its source's tenant and can be granted nothing in another tenant, so an identity
// connection to a target (or a user-assigned identity) in another tenant can never work: refuse it up front (400),
// before anything changes. Costs no ARM call when everything is in one subscription; otherwise one read per other
// subscription (ARM answers 401 InvalidAuthenticationTokenTenant for a subscription of another tenant).
import type { RestError } from "@azure/core-rest-pipeline";
import type { ValidationIssue } from "../model/configuration.js";
import type { LinkerProperties } from "../model/linker.js";
import { genericArm } from "../azure/armGeneric.js";
import type { ArmClients } from "../azure/clients.js";
import { subscriptionOf } from "../azure/resourceId.js";

const IDENTITY_AUTH = new Set(["systemassignedidentity", "userassignedidentity"]);

type TenantOf = (subscriptionId: string) => Promise<{ tenantId?: string; foreign?: true }>;

export function createTenantPreflight(clients: ArmClients) {
  const arm = genericArm(clients);
  const tenantOf: TenantOf = async (subscriptionId) => {
    try {
      return { tenantId: (await arm.getSubscription(subscriptionId)).tenantId };
    } catch (e) {
      if ((e as RestError).code === "InvalidAuthenticationTokenTenant") return { foreign: true };
      // Not visible to linkwright (no role there, or no such subscription): undecided here; the connection's own
      // reads fail with their precise error.
      if ((e as RestError).statusCode === 403 || (e as RestError).statusCode === 404) return {};
      throw e;
    }
  };
  return (x: { sourceId: string; properties: LinkerProperties }) => crossTenantIssue(x, tenantOf);
}

export async function crossTenantIssue(x: { sourceId: string; properties: LinkerProperties }, tenantOf: TenantOf): Promise<ValidationIssue | undefined> {
  const auth = x.properties.authInfo;
  if (!IDENTITY_AUTH.has(auth.authType.toLowerCase())) return undefined;
  const sourceSub = subscriptionOf(x.sourceId);
  const targetId = x.properties.targetService["id"];
  const others = [
    { field: "properties.targetService.id", sub: typeof targetId === "string" ? subscriptionOf(targetId) : undefined, what: "target" },
    { field: "properties.authInfo.subscriptionId", sub: typeof auth.subscriptionId === "string" ? auth.subscriptionId : undefined, what: "user-assigned identity" },
  ].filter((o) => o.sub && sourceSub && o.sub.toLowerCase() !== sourceSub.toLowerCase());
  if (!sourceSub || others.length === 0) return undefined;
  const source = await tenantOf(sourceSub);
  for (const o of others) {
    const other = await tenantOf(o.sub!);
    if (other.foreign || (source.tenantId && other.tenantId && source.tenantId.toLowerCase() !== other.tenantId.toLowerCase())) {
      return {
        field: o.field,
        code: "InvalidConnection",
        message: `The ${o.what}'s subscription ${o.sub} is in another tenant than the source's subscription ${sourceSub}` +
          `${source.tenantId ? ` (tenant ${source.tenantId})` : ""}: a managed identity (authType ${String(auth["authType"])}) cannot be used across tenants. ` +
          "Use authType 'secret', or 'servicePrincipalSecret' with a multi-tenant app registration.",
      };
    }
  }
  return undefined;
}
