// Site configuration child resources (type Microsoft.Web/sites/config): appsettings and connectionstrings
// (POST …/list to read, PUT replaces the whole set, as Azure), slotConfigNames (slot-sticky names), and web
// (SiteConfigResource: GET / PUT / PATCH). Reference: arm-surface §2.1.
import { ArmError, type Route, type RouteContext, type StoredResource } from "../../core/contract.js";
import { asObject, bodyObject } from "../kit/request-body.js";
import { applySiteConfig, defaultSiteConfig } from "./site-config.js";
import { requireSite, SITE, SLOT, syncVnetRouting, type SitePrivate } from "./sites.js";

const CONNECTION_STRING_TYPES = ["MySql", "SQLServer", "SQLAzure", "Custom", "NotificationHub", "ServiceBus", "EventHub", "ApiHub", "DocDb", "RedisCache", "PostgreSQL"];

function configResource(site: StoredResource, name: string, properties: unknown, kind?: string) {
  const type = site.type.toLowerCase() === "microsoft.web/sites/slots" ? "Microsoft.Web/sites/slots/config" : "Microsoft.Web/sites/config";
  return { id: `${site.id}/config/${name}`, name, type, ...(kind ? { kind } : {}), location: site.location, properties };
}

function readAppSettings(ctx: RouteContext) {
  const site = requireSite(ctx);
  return { status: 200, body: configResource(site, "appsettings", site.appSettings ?? {}), eventResourceId: `${site.id}/config/appsettings` };
}

function writeAppSettings(ctx: RouteContext) {
  const site = requireSite(ctx);
  const props = asObject(bodyObject(ctx).properties);
  const settings: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) {
    if (v !== null && typeof v === "object") throw new ArmError(400, "BadRequest", `The value of application setting '${k}' must be a string.`, `properties.${k}`);
    settings[k] = v === null ? "" : String(v);
  }
  const stored = ctx.store.put({ ...site, appSettings: settings } as StoredResource & SitePrivate) as StoredResource & SitePrivate;
  return { status: 200, body: configResource(stored, "appsettings", stored.appSettings) };
}

function readConnectionStrings(ctx: RouteContext) {
  const site = requireSite(ctx);
  return { status: 200, body: configResource(site, "connectionstrings", site.connectionStrings ?? {}), eventResourceId: `${site.id}/config/connectionstrings` };
}

function writeConnectionStrings(ctx: RouteContext) {
  const site = requireSite(ctx);
  const props = asObject(bodyObject(ctx).properties);
  const out: Record<string, { value: string; type: string }> = {};
  for (const [k, v] of Object.entries(props)) {
    const pair = asObject(v);
    const type = String(pair.type ?? "Custom");
    if (!CONNECTION_STRING_TYPES.includes(type)) {
      throw new ArmError(400, "BadRequest", `The connection string type '${type}' of '${k}' is invalid. Valid types: ${CONNECTION_STRING_TYPES.join(", ")}.`, `properties.${k}.type`);
    }
    out[k] = { value: String(pair.value ?? ""), type };
  }
  const stored = ctx.store.put({ ...site, connectionStrings: out } as StoredResource & SitePrivate) as StoredResource & SitePrivate;
  return { status: 200, body: configResource(stored, "connectionstrings", stored.connectionStrings) };
}

function slotConfigNamesBody(site: StoredResource & SitePrivate) {
  const n = site.slotConfigNames ?? {};
  return configResource(site, "slotConfigNames", {
    appSettingNames: n.appSettingNames ?? null, connectionStringNames: n.connectionStringNames ?? null, azureStorageConfigNames: n.azureStorageConfigNames ?? null,
  });
}

function writeSlotConfigNames(ctx: RouteContext) {
  const site = requireSite(ctx);
  const props = asObject(bodyObject(ctx).properties);
  const names = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  const stored = ctx.store.put({
    ...site,
    slotConfigNames: {
      appSettingNames: names(props.appSettingNames), connectionStringNames: names(props.connectionStringNames),
      azureStorageConfigNames: names(props.azureStorageConfigNames),
    },
  } as StoredResource & SitePrivate) as StoredResource & SitePrivate;
  return { status: 200, body: slotConfigNamesBody(stored) };
}

function webConfigBody(site: StoredResource) {
  return configResource(site, "web", asObject(site.properties).siteConfig);
}

function writeWebConfig(ctx: RouteContext, mode: "put" | "patch") {
  const site = requireSite(ctx);
  const requested = asObject(bodyObject(ctx).properties);
  const props = { ...asObject(site.properties) };
  const base = mode === "put" ? defaultSiteConfig(site.kind) : asObject(props.siteConfig);
  if (mode === "put") base.linuxFxVersion = asObject(props.siteConfig).linuxFxVersion;
  props.siteConfig = applySiteConfig(base, requested);
  syncVnetRouting(props, requested);
  const stored = ctx.store.put({ ...site, properties: props });
  return { status: 200, body: webConfigBody(stored) };
}

function configRoutes(base: string, typePrefix: string): Route[] {
  return [
    { method: "POST", template: `${base}/config/appsettings/list`, action: `${typePrefix}/config/list/action`, handle: readAppSettings },
    { method: "PUT", template: `${base}/config/appsettings`, action: `${typePrefix}/config/write`, handle: writeAppSettings },
    { method: "POST", template: `${base}/config/connectionstrings/list`, action: `${typePrefix}/config/list/action`, handle: readConnectionStrings },
    { method: "PUT", template: `${base}/config/connectionstrings`, action: `${typePrefix}/config/write`, handle: writeConnectionStrings },
    { method: "GET", template: `${base}/config/web`, action: `${typePrefix}/config/read`, handle: (ctx) => ({ status: 200, body: webConfigBody(requireSite(ctx)) }) },
    { method: "PUT", template: `${base}/config/web`, action: `${typePrefix}/config/write`, handle: (ctx) => writeWebConfig(ctx, "put") },
    { method: "PATCH", template: `${base}/config/web`, action: `${typePrefix}/config/write`, handle: (ctx) => writeWebConfig(ctx, "patch") },
  ];
}

export const configRoutesAll: Route[] = [
  ...configRoutes(SITE, "Microsoft.Web/sites"),
  ...configRoutes(SLOT, "Microsoft.Web/sites/slots"),
  { method: "GET", template: `${SITE}/config/slotConfigNames`, action: "Microsoft.Web/sites/config/read", handle: (ctx) => ({ status: 200, body: slotConfigNamesBody(requireSite(ctx)) }) },
  { method: "PUT", template: `${SITE}/config/slotConfigNames`, action: "Microsoft.Web/sites/config/write", handle: writeSlotConfigNames },
];
