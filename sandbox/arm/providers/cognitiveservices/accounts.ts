// Microsoft.CognitiveServices/accounts: get / list / create / update (PATCH: networkAcls, publicNetworkAccess,
// disableLocalAuth) / delete / listKeys (key1, key2). properties.endpoint and properties.endpoints follow the kind:
// OpenAI → https://{sub}.openai.azure.com/, AIServices → https://{sub}.cognitiveservices.azure.com/ plus the
// "OpenAI Language Model Instance API" endpoint https://{sub}.openai.azure.com/, other kinds →
// https://{sub}.cognitiveservices.azure.com/ (or the regional endpoint without a custom subdomain).
// Reference: @azure/arm-cognitiveservices 8.1.0 operations/accounts.js.
import { ArmError, type Route, type StoredResource } from "../../core/contract.js";
import { asObject, requireLocation } from "../kit/request-body.js";
import { crudRoutes } from "../kit/crud-routes.js";
import { pick } from "../kit/settable-properties.js";

export const ACCOUNT = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.CognitiveServices/accounts/{accountName}";
const T = "Microsoft.CognitiveServices/accounts";
const WRITABLE = ["customSubDomainName", "networkAcls", "publicNetworkAccess", "disableLocalAuth", "restrictOutboundNetworkAccess", "allowedFqdnList", "encryption", "apiProperties", "restore", "dynamicThrottlingEnabled", "userOwnedStorage"] as const;
const KINDS = ["OpenAI", "AIServices", "CognitiveServices", "TextAnalytics", "ComputerVision", "SpeechServices", "FormRecognizer", "TextTranslation", "ContentSafety", "Face"];

const hexKey = () => crypto.randomUUID().replace(/-/g, "");

type AccountWithKeys = StoredResource & { key1?: string; key2?: string };

function endpoints(kind: string, sub: string | undefined, location: string): { endpoint: string; endpoints: Record<string, string> } {
  const cs = sub ? `https://${sub}.cognitiveservices.azure.com/` : `https://${location.toLowerCase()}.api.cognitive.microsoft.com/`;
  if (kind === "OpenAI") {
    const ep = sub ? `https://${sub}.openai.azure.com/` : cs;
    return { endpoint: ep, endpoints: { "OpenAI Language Model Instance API": ep, "OpenAI Dall-E API": ep, "OpenAI Realtime API": ep.replace(/^https/, "wss"), "OpenAI Whisper API": ep } };
  }
  if (kind === "AIServices") {
    const oai = sub ? `https://${sub}.openai.azure.com/` : cs;
    return { endpoint: cs, endpoints: { "OpenAI Language Model Instance API": oai, "Azure AI Model Inference API": sub ? `https://${sub}.services.ai.azure.com/` : cs, "Speech Services Speech to Text": cs, "Content Safety": cs, "Computer Vision": cs } };
  }
  return { endpoint: cs, endpoints: { [kind]: cs } };
}

function normaliseAcls(v: unknown): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  const a = asObject(v);
  const defaultAction = a.defaultAction ?? "Allow";
  if (defaultAction !== "Allow" && defaultAction !== "Deny") throw new ArmError(400, "BadRequest", `Invalid networkAcls.defaultAction '${String(defaultAction)}'.`, "properties.networkAcls.defaultAction");
  return {
    defaultAction,
    ipRules: Array.isArray(a.ipRules) ? a.ipRules.map((r) => ({ value: String(asObject(r).value) })) : [],
    virtualNetworkRules: Array.isArray(a.virtualNetworkRules) ? a.virtualNetworkRules.map((r) => ({ id: String(asObject(r).id), ignoreMissingVnetServiceEndpoint: asObject(r).ignoreMissingVnetServiceEndpoint === true, state: "Succeeded" })) : [],
    ...(a.bypass ? { bypass: a.bypass } : {}),
  };
}

export function buildCognitiveAccount(options: { id: string; location: string; kind: string; sku?: Record<string, unknown>; tags?: Record<string, string>; identity?: Record<string, unknown>; properties?: Record<string, unknown> }): AccountWithKeys {
  if (!KINDS.includes(options.kind)) throw new ArmError(400, "InvalidApiSetId", `The account type '${options.kind}' is either invalid or unavailable in given region.`, "kind");
  const name = options.id.split("/").pop()!;
  const props = pick({
    provisioningState: "Succeeded", internalId: crypto.randomUUID().replace(/-/g, ""), dateCreated: new Date().toISOString(), publicNetworkAccess: "Enabled",
    disableLocalAuth: false, capabilities: [], isMigrated: false, privateEndpointConnections: [],
  }, options.properties, WRITABLE);
  const acls = normaliseAcls(props.networkAcls);
  if (acls) props.networkAcls = acls; else delete props.networkAcls;
  Object.assign(props, endpoints(options.kind, props.customSubDomainName as string | undefined, options.location));
  return {
    id: options.id, name, type: T, kind: options.kind, location: options.location, tags: options.tags ?? {}, sku: { name: String(options.sku?.name ?? "S0") },
    ...(options.identity ? { identity: options.identity } : {}), etag: `"${crypto.randomUUID()}"`, properties: props, key1: hexKey(), key2: hexKey(),
  };
}

export const cognitiveRoutes: Route[] = crudRoutes({
  template: ACCOUNT, type: T, topLevel: true, patch: true, createdStatus: 201,
  build(ctx, { id, body, existing }) {
    if (!existing && typeof body.kind !== "string") throw new ArmError(400, "InvalidApiSetId", "The account kind is required.", "kind");
    const built = buildCognitiveAccount({
      id, location: existing?.location ?? requireLocation(body), kind: existing?.kind ?? String(body.kind), sku: (body.sku as Record<string, unknown>) ?? existing?.sku,
      tags: (body.tags as Record<string, string>) ?? existing?.tags, identity: (body.identity as Record<string, unknown>) ?? existing?.identity,
      properties: { ...asObject(existing?.properties), ...asObject(body.properties) },
    });
    const keys = existing as AccountWithKeys | undefined;
    return keys ? { ...built, key1: keys.key1, key2: keys.key2 } : built;
  },
  afterPatch(_ctx, merged, existing) {
    const props = pick(asObject(existing.properties), merged.properties, WRITABLE);
    const acls = normaliseAcls(props.networkAcls);
    if (acls) props.networkAcls = acls;
    return { ...merged, kind: existing.kind, properties: props };
  },
  actions: [{
    segment: "listKeys", action: `${T}/listKeys/action`,
    handle: (_ctx, r) => ({ status: 200, body: { key1: (r as AccountWithKeys).key1, key2: (r as AccountWithKeys).key2 } }),
  }],
});
