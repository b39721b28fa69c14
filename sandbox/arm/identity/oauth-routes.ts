// Microsoft identity platform surface for MSAL / @azure/identity pointed at the emulator (authorityHost):
// OpenID configuration, JWKS, instance discovery, and the v2.0 token endpoint
// (client_credentials with client_secret; on-behalf-of via urn:ietf:params:oauth:grant-type:jwt-bearer).
import type { Provider, Route, RouteContext, RouteResult } from "../core/contract.js";
import type { Directory } from "./principals.js";
import { TokenService, audienceOf } from "./tokens.js";

export interface IdentityDeps {
  tokens: TokenService;
  directory: Directory;
  tenantId: string;
}

const OBO_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";

function oauthError(status: number, error: string, description: string, code: number, ctx: RouteContext): RouteResult {
  return {
    status,
    body: {
      error, error_description: `AADSTS${code}: ${description} Trace ID: ${ctx.req.requestId} Correlation ID: ${ctx.req.correlationId} Timestamp: ${new Date().toISOString()}`,
      error_codes: [code], timestamp: new Date().toISOString(), trace_id: ctx.req.requestId, correlation_id: ctx.req.correlationId,
    },
  };
}

function openIdConfiguration(ctx: RouteContext, tenant: string, deps: IdentityDeps, v2: boolean): RouteResult {
  const tid = tenant.toLowerCase() === "common" || tenant.toLowerCase() === "organizations" ? deps.tenantId : tenant;
  const base = ctx.req.baseUrl;
  const prefix = `${base}/${tenant}`;
  return {
    status: 200,
    body: {
      token_endpoint: v2 ? `${prefix}/oauth2/v2.0/token` : `${prefix}/oauth2/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${prefix}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: v2 ? `${base}/${tid}/v2.0` : `${base}/${tid}/`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${base}/oidc/userinfo`,
      authorization_endpoint: v2 ? `${prefix}/oauth2/v2.0/authorize` : `${prefix}/oauth2/authorize`,
      device_authorization_endpoint: `${prefix}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${prefix}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"],
      tenant_region_scope: "WW",
      cloud_instance_name: new URL(base).host,
      cloud_graph_host_name: new URL(base).host,
      msgraph_host: new URL(base).host,
    },
  };
}

async function token(ctx: RouteContext, deps: IdentityDeps): Promise<RouteResult> {
  const tenant = ctx.params.tenantId;
  const form = new URLSearchParams(ctx.req.rawBody?.toString("utf8") ?? "");
  const basic = /^Basic\s+(.+)$/i.exec(ctx.req.headers.authorization ?? "");
  let clientId = form.get("client_id") ?? "";
  let clientSecret = form.get("client_secret") ?? "";
  if (basic) {
    const [id, secret] = Buffer.from(basic[1], "base64").toString("utf8").split(":");
    clientId ||= decodeURIComponent(id ?? "");
    clientSecret ||= decodeURIComponent(secret ?? "");
  }
  const grant = form.get("grant_type");
  const scope = form.get("scope") ?? form.get("resource") ?? "";
  const tid = tenant.toLowerCase() === "common" || tenant.toLowerCase() === "organizations" ? deps.tenantId : tenant;
  if (tid.toLowerCase() !== deps.tenantId.toLowerCase())
    return oauthError(400, "invalid_request", `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, 90002, ctx);
  if (grant !== "client_credentials" && grant !== OBO_GRANT)
    return oauthError(400, "unsupported_grant_type", `The grant type '${grant ?? ""}' is not supported by the sandbox identity endpoint.`, 70003, ctx);
  if (!clientId) return oauthError(400, "invalid_request", "The request body must contain the following parameter: 'client_id'.", 900144, ctx);
  if (!clientSecret) {
    return oauthError(401, "invalid_client", "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 7000218, ctx);
  }
  const app = deps.directory.byClientId(clientId);
  if (!app) return oauthError(400, "unauthorized_client", `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`, 700016, ctx);
  if (!deps.directory.checkSecret(clientId, clientSecret))
    return oauthError(401, "invalid_client", `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`, 7000215, ctx);
  if (!scope) return oauthError(400, "invalid_request", "The request body must contain the following parameter: 'scope'.", 900144, ctx);
  const resource = audienceOf(scope);

  if (grant === "client_credentials") {
    const issued = await deps.tokens.issue(ctx.req.baseUrl, { oid: app.objectId, tid: deps.tenantId, appid: app.clientId, idtyp: "app" }, resource);
    return tokenResponse(issued.accessToken, issued.expiresOn);
  }

  // On-behalf-of: the assertion is a user's token for this middle-tier app.
  if (form.get("requested_token_use") !== "on_behalf_of")
    return oauthError(400, "invalid_request", "The request must contain requested_token_use=on_behalf_of.", 50027, ctx);
  const assertion = form.get("assertion") ?? "";
  let user;
  try {
    user = await deps.tokens.verify(assertion, [app.clientId!, `api://${app.clientId}`], ctx.req.baseUrl);
  } catch (e) {
    return oauthError(400, "invalid_grant", `Assertion is invalid: ${(e as Error).message}`, 50013, ctx);
  }
  const principal = deps.directory.get(user.oid);
  const issued = await deps.tokens.issue(ctx.req.baseUrl, {
    oid: user.oid, tid: user.tid, appid: app.clientId, idtyp: "user",
    name: principal?.displayName ?? (user.name as string | undefined), upn: principal?.userPrincipalName ?? (user.upn as string | undefined),
    scp: "user_impersonation",
  }, resource);
  return tokenResponse(issued.accessToken, issued.expiresOn);
}

function tokenResponse(accessToken: string, expiresOn: number): RouteResult {
  const expiresIn = expiresOn - Math.floor(Date.now() / 1000);
  return {
    status: 200,
    headers: { "Cache-Control": "no-store", Pragma: "no-cache" },
    body: { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: accessToken },
  };
}

function instanceDiscovery(ctx: RouteContext): RouteResult {
  const host = new URL(ctx.req.baseUrl).host;
  return {
    status: 200,
    body: {
      tenant_discovery_endpoint: `${ctx.req.baseUrl}/common/v2.0/.well-known/openid-configuration`,
      "api-version": "1.1",
      metadata: [{ preferred_network: host, preferred_cache: host, aliases: [host] }],
    },
  };
}

export function identityProvider(deps: IdentityDeps): Provider {
  const anon = (method: Route["method"], template: string, handle: Route["handle"]): Route =>
    ({ method, template, action: "Microsoft.Identity/anonymous/read", kind: "read", anonymous: true, noApiVersion: true, handle });
  return {
    namespace: "Sandbox.Identity",
    routes: [
      anon("GET", "/{tenantId}/v2.0/.well-known/openid-configuration", (ctx) => openIdConfiguration(ctx, ctx.params.tenantId, deps, true)),
      anon("GET", "/{tenantId}/.well-known/openid-configuration", (ctx) => openIdConfiguration(ctx, ctx.params.tenantId, deps, false)),
      anon("GET", "/{tenantId}/discovery/v2.0/keys", () => ({ status: 200, body: deps.tokens.jwks() })),
      anon("GET", "/{tenantId}/discovery/keys", () => ({ status: 200, body: deps.tokens.jwks() })),
      anon("GET", "/common/discovery/instance", (ctx) => instanceDiscovery(ctx)),
      anon("POST", "/{tenantId}/oauth2/v2.0/token", (ctx) => token(ctx, deps)),
    ],
  };
}
