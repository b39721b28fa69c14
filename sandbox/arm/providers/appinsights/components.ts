// microsoft.insights/components (Application Insights): get / list / createOrUpdate / updateTags (PATCH) / delete.
// The wire properties use Application Insights' own casing (InstrumentationKey, ConnectionString, Application_Type).
// Reference: @azure/arm-appinsights 4.0.0 src/operations/components.ts.
import { ArmError, type Route, type StoredResource } from "../../core/contract.js";
import { asObject, requireLocation } from "../kit/request-body.js";
import { crudRoutes } from "../kit/crud-routes.js";
import { pick } from "../kit/settable-properties.js";

export const COMPONENT = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Insights/components/{resourceName}";
const T = "microsoft.insights/components";
const WRITABLE = ["Application_Type", "Flow_Type", "Request_Source", "HockeyAppId", "SamplingPercentage", "RetentionInDays", "DisableIpMasking", "ImmediatePurgeDataOn30Days",
  "WorkspaceResourceId", "publicNetworkAccessForIngestion", "publicNetworkAccessForQuery", "IngestionMode", "DisableLocalAuth", "ForceCustomerStorageForProfiler"] as const;

export function buildAppInsightsComponent(options: { id: string; location: string; subscriptionId: string; kind?: string; tags?: Record<string, string>; properties?: Record<string, unknown> }): StoredResource {
  const name = options.id.split("/").pop()!;
  const key = crypto.randomUUID();
  const appId = crypto.randomUUID();
  const region = options.location.toLowerCase().replace(/\s/g, "");
  const props = pick({
    ApplicationId: name, AppId: appId, Application_Type: "web", Flow_Type: "Bluefield", Request_Source: "rest", InstrumentationKey: key,
    ConnectionString: `InstrumentationKey=${key};IngestionEndpoint=https://${region}-5.in.applicationinsights.azure.com/;LiveEndpoint=https://${region}.livediagnostics.monitor.azure.com/;ApplicationId=${appId}`,
    CreationDate: new Date().toISOString(), TenantId: options.subscriptionId, provisioningState: "Succeeded", SamplingPercentage: null, RetentionInDays: 90,
    IngestionMode: "LogAnalytics", publicNetworkAccessForIngestion: "Enabled", publicNetworkAccessForQuery: "Enabled", Ver: "v2",
  }, options.properties, WRITABLE);
  return { id: options.id, name, type: T, kind: options.kind ?? "web", location: options.location, tags: options.tags ?? {}, etag: `"${crypto.randomUUID()}"`, properties: props };
}

export const componentRoutes: Route[] = crudRoutes({
  template: COMPONENT, type: T, topLevel: true, patch: true,
  build(ctx, { id, body, existing }) {
    if (!existing && typeof body.kind !== "string") throw new ArmError(400, "BadRequest", "The 'kind' property is required.", "kind");
    const props = asObject(body.properties);
    if (!existing && typeof props.Application_Type !== "string") throw new ArmError(400, "BadRequest", "The 'Application_Type' property is required.", "properties.Application_Type");
    const built = buildAppInsightsComponent({
      id, location: existing?.location ?? requireLocation(body), subscriptionId: ctx.params.subscriptionId, kind: (body.kind as string | undefined) ?? existing?.kind,
      tags: (body.tags as Record<string, string>) ?? existing?.tags, properties: { ...asObject(existing?.properties), ...props },
    });
    if (!existing) return built;
    const p = asObject(existing.properties);
    return { ...built, properties: { ...built.properties, InstrumentationKey: p.InstrumentationKey, ConnectionString: p.ConnectionString, AppId: p.AppId, CreationDate: p.CreationDate } };
  },
  // PATCH (updateTags) changes tags only.
  afterPatch: (_ctx, merged, existing) => ({ ...existing, tags: merged.tags }),
});
