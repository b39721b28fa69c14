// Functions of a function app (type Microsoft.Web/sites/functions, stored as child resources of the site):
// list (paged, nextLink) / get / createFunction (PUT) / deleteFunction (204). FunctionEnvelope wire keys are
// snake_case and `properties.config` is the function.json (bindings untouched). Reference: arm-surface §2.1.
import { ArmError, type Route, type RouteContext, type StoredResource } from "../../core/contract.js";
import { armErrors } from "../../core/errors.js";
import { asObject, bodyObject } from "../kit/request-body.js";
import { render } from "../kit/wire-shape.js";
import { putResult } from "../kit/write-results.js";
import { requireSite, SITE, SLOT } from "./sites.js";

const FUNCTION_TYPE = "Microsoft.Web/sites/functions";
const SLOT_FUNCTION_TYPE = "Microsoft.Web/sites/slots/functions";

/** A function envelope as Azure reports it for `site`, with the given function.json `config`. */
export function buildFunction(site: StoredResource, functionName: string, config: Record<string, unknown>, extra: { language?: string; isDisabled?: boolean } = {}): StoredResource {
  const isSlot = site.type.toLowerCase() === "microsoft.web/sites/slots";
  const host = String(asObject(site.properties).defaultHostName ?? `${site.name}.azurewebsites.net`);
  const scm = `https://${host.replace(".azurewebsites.net", ".scm.azurewebsites.net")}/admin/vfs/home/site/wwwroot`;
  const httpTrigger = (Array.isArray(config.bindings) ? config.bindings : []).find((b) => asObject(b).type === "httpTrigger");
  const route = httpTrigger ? String(asObject(httpTrigger).route ?? functionName.toLowerCase()) : undefined;
  return {
    id: `${site.id}/functions/${functionName}`, name: `${site.name}/${functionName}`, type: isSlot ? SLOT_FUNCTION_TYPE : FUNCTION_TYPE,
    location: site.location,
    properties: {
      name: functionName, function_app_id: site.id,
      script_root_path_href: `${scm}/${functionName}/`, script_href: `${scm}/dist/src/functions/${functionName}.js`,
      config_href: `${scm}/${functionName}/function.json`, test_data_href: `${scm}/../../data/Functions/sampledata/${functionName}.dat`,
      secrets_file_href: null, href: `https://${host.replace(".azurewebsites.net", ".scm.azurewebsites.net")}/api/functions/${functionName}`,
      config: structuredClone(config), files: null, test_data: "",
      invoke_url_template: route !== undefined ? `https://${host}/api/${route}` : null,
      language: extra.language ?? "node", isDisabled: extra.isDisabled ?? config.disabled === true,
    },
  };
}

function functionId(ctx: RouteContext, site: StoredResource): string {
  return `${site.id}/functions/${ctx.params.functionName}`;
}

function listFunctions(ctx: RouteContext) {
  const site = requireSite(ctx);
  const fns = ctx.store.children(site.id).filter((r) => r.type.toLowerCase().endsWith("/functions"));
  return { status: 200, body: ctx.services.page(fns.map(render), ctx) };
}

function getFunction(ctx: RouteContext) {
  const site = requireSite(ctx);
  const fn = ctx.store.get(functionId(ctx, site));
  if (!fn) throw armErrors.resourceNotFound(functionId(ctx, site));
  return { status: 200, body: render(fn) };
}

function createFunction(ctx: RouteContext) {
  const site = requireSite(ctx);
  if (!String(site.kind ?? "").toLowerCase().includes("functionapp")) {
    throw new ArmError(400, "BadRequest", `The site '${site.name}' is not a function app (kind '${site.kind ?? "app"}').`);
  }
  const props = asObject(bodyObject(ctx).properties);
  const config = asObject(props.config);
  if (!Array.isArray(config.bindings)) throw new ArmError(400, "BadRequest", "The function config must have a 'bindings' array.", "properties.config.bindings");
  const existed = ctx.store.get(functionId(ctx, site)) !== undefined;
  const stored = ctx.store.put(buildFunction(site, ctx.params.functionName, config, {
    language: typeof props.language === "string" ? props.language : undefined,
    isDisabled: typeof props.isDisabled === "boolean" ? props.isDisabled : undefined,
  }));
  return putResult(ctx, render(stored), !existed, "location");
}

function deleteFunction(ctx: RouteContext) {
  const site = requireSite(ctx);
  ctx.store.delete(functionId(ctx, site));
  return { status: 204 };
}

function functionRoutes(base: string, typePrefix: string): Route[] {
  return [
    { method: "GET", template: `${base}/functions`, action: `${typePrefix}/functions/read`, handle: listFunctions },
    { method: "GET", template: `${base}/functions/{functionName}`, action: `${typePrefix}/functions/read`, handle: getFunction },
    { method: "PUT", template: `${base}/functions/{functionName}`, action: `${typePrefix}/functions/write`, handle: createFunction },
    { method: "DELETE", template: `${base}/functions/{functionName}`, action: `${typePrefix}/functions/delete`, handle: deleteFunction },
  ];
}

export const functionRoutesAll: Route[] = [...functionRoutes(SITE, "Microsoft.Web/sites"), ...functionRoutes(SLOT, "Microsoft.Web/sites/slots")];
