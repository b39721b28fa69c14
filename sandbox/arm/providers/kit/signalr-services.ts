// Microsoft.SignalRService: SignalR and Web PubSub share one resource model — get / list / createOrUpdate /
// update (PATCH, e.g. networkACLs, publicNetworkAccess, disableLocalAuth) / delete / listKeys (access keys and
// `Endpoint=https://{hostName};AccessKey=…;Version=1.0;` connection strings). hostName is
// {name}.service.signalr.net (SignalR) or {name}.webpubsub.azure.com (Web PubSub).
// Reference: @azure/arm-signalr 5.2.0 src/operations/signalR.ts, @azure/arm-webpubsub 1.2.0 src/operations/webPubSub.ts.
import { ArmError, type Route, type StoredResource } from "../../core/contract.js";
import { crudRoutes } from "./crud-routes.js";
import { newKey } from "./random-keys.js";
import { asObject, requireLocation } from "./request-body.js";
import { pick } from "./settable-properties.js";

export type SignalRKind = "SignalR" | "WebPubSub";

const WRITABLE = ["features", "liveTraceConfiguration", "resourceLogConfiguration", "cors", "serverless", "upstream", "networkACLs", "publicNetworkAccess",
  "disableLocalAuth", "disableAadAuth", "tls", "regionEndpointEnabled", "resourceStopped", "eventHandler"] as const;
const REQUEST_TYPES = ["ClientConnection", "ServerConnection", "RESTAPI", "Trace"];

type WithKeys = StoredResource & { primaryKey?: string; secondaryKey?: string };

export function signalRTemplate(kind: SignalRKind): string {
  return `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.SignalRService/${kind}/{resourceName}`;
}

function normaliseAcls(v: unknown): Record<string, unknown> {
  const acls = asObject(v);
  const defaultAction = acls.defaultAction ?? "Deny";
  if (defaultAction !== "Allow" && defaultAction !== "Deny") throw new ArmError(400, "InvalidRequest", `Invalid networkACLs.defaultAction '${String(defaultAction)}'.`, "properties.networkACLs.defaultAction");
  const list = (x: unknown, field: string) => {
    const items = Array.isArray(x) ? x.map(String) : [];
    for (const i of items) if (!REQUEST_TYPES.includes(i)) throw new ArmError(400, "InvalidRequest", `Invalid request type '${i}' in ${field}; allowed: ${REQUEST_TYPES.join(", ")}.`, `properties.networkACLs.${field}`);
    return items;
  };
  const pub = asObject(acls.publicNetwork);
  return {
    defaultAction,
    publicNetwork: { allow: list(pub.allow ?? (acls.publicNetwork === undefined ? REQUEST_TYPES : []), "publicNetwork.allow"), ...(pub.deny ? { deny: list(pub.deny, "publicNetwork.deny") } : {}) },
    privateEndpoints: Array.isArray(acls.privateEndpoints) ? acls.privateEndpoints : [],
    ...(Array.isArray(acls.ipRules) ? { ipRules: acls.ipRules.map((r) => ({ value: String(asObject(r).value), action: asObject(r).action ?? "Allow" })) } : {}),
  };
}

export function buildSignalRResource(kind: SignalRKind, options: {
  id: string; location: string; sku?: Record<string, unknown>; tags?: Record<string, string>; identity?: Record<string, unknown>; properties?: Record<string, unknown>;
}): WithKeys {
  const name = options.id.split("/").pop()!;
  const hostName = kind === "SignalR" ? `${name}.service.signalr.net` : `${name}.webpubsub.azure.com`;
  const skuName = String(options.sku?.name ?? "Standard_S1");
  const props = pick({
    provisioningState: "Succeeded", externalIP: "20.50.0.10", hostName, publicPort: 443, serverPort: 443, version: "1.0", hostNamePrefix: name,
    ...(kind === "SignalR" ? { features: [{ flag: "ServiceMode", value: "Default", properties: {} }], cors: { allowedOrigins: ["*"] }, upstream: { templates: [] } } : { eventHandler: null }),
    networkACLs: undefined, publicNetworkAccess: "Enabled", disableLocalAuth: false, disableAadAuth: false, tls: { clientCertEnabled: false }, privateEndpointConnections: [], sharedPrivateLinkResources: [],
  }, options.properties, WRITABLE);
  props.networkACLs = normaliseAcls(props.networkACLs);
  return {
    id: options.id, name, type: `Microsoft.SignalRService/${kind}`, kind, location: options.location, tags: options.tags ?? {},
    sku: { name: skuName, tier: skuName.startsWith("Free") ? "Free" : skuName.startsWith("Premium") ? "Premium" : "Standard", size: skuName.split("_")[1] ?? "S1", capacity: Number(options.sku?.capacity ?? 1) },
    ...(options.identity ? { identity: options.identity } : {}), properties: props, primaryKey: newKey(), secondaryKey: newKey(),
  };
}

export function signalRRoutes(kind: SignalRKind): Route[] {
  const type = `Microsoft.SignalRService/${kind}`;
  return crudRoutes({
    template: signalRTemplate(kind), type, topLevel: true, patch: true, createdStatus: 201,
    build(ctx, { id, body, existing }) {
      if (!existing && !/^[a-zA-Z][a-zA-Z0-9-]{1,61}[a-zA-Z0-9]$/.test(ctx.params.resourceName)) {
        throw new ArmError(400, "InvalidResourceName", `The resource name '${ctx.params.resourceName}' is invalid: 3-63 letters, digits and hyphens, starting with a letter.`);
      }
      const built = buildSignalRResource(kind, {
        id, location: existing?.location ?? requireLocation(body), sku: (body.sku as Record<string, unknown>) ?? existing?.sku,
        tags: (body.tags as Record<string, string>) ?? existing?.tags, identity: (body.identity as Record<string, unknown>) ?? existing?.identity,
        properties: { ...asObject(existing?.properties), ...asObject(body.properties) },
      });
      const keys = existing as WithKeys | undefined;
      return keys ? { ...built, primaryKey: keys.primaryKey, secondaryKey: keys.secondaryKey } : built;
    },
    afterPatch(_ctx, merged, existing) {
      const props = pick(asObject(existing.properties), merged.properties, WRITABLE);
      props.networkACLs = normaliseAcls(props.networkACLs);
      return { ...merged, properties: props };
    },
    actions: [{
      segment: "listKeys", action: `${type}/listkeys/action`,
      handle: (_ctx, r) => {
        const k = r as WithKeys;
        const cs = (key?: string) => `Endpoint=https://${String(asObject(r.properties).hostName)};AccessKey=${key};Version=1.0;`;
        return { status: 200, body: { primaryKey: k.primaryKey, secondaryKey: k.secondaryKey, primaryConnectionString: cs(k.primaryKey), secondaryConnectionString: cs(k.secondaryKey) } };
      },
    }],
  });
}
