// Microsoft identity platform surface for MSAL / @azure/identity pointed at the emulator (authorityHost):
// OpenID configuration, JWKS, instance discovery, and the v2.0 token endpoint
// (client_credentials and on-behalf-of via urn:ietf:params:oauth:grant-type:jwt-bearer; the client authenticates with
// client_secret or with a client_assertion matched against the app's federated identity credentials; and a user's
// sign-in to a public client with the resource-owner password grant and its refresh token — what `az login
// --username … --password …` sends to an AD FS authority).
import type { Provider, Route, RouteContext, RouteResult } from "../core/contract.js";
import type { Directory, Principal } from "./principals.js";
import { TokenError, TokenService, audienceOf, verifyEmulatorSignature } from "./tokens.js";
import { isGuid } from "../core/ids.js";

export interface IdentityDeps {
  tokens: TokenService;
  directory: Directory;
  tenantId: string;
}

const OBO_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer";
/** Public clients users sign in to with a password: the Azure CLI's and Azure PowerShell's first-party application ids
 *  (present in every Entra tenant), and any app registration of this directory. */
const FIRST_PARTY_PUBLIC_CLIENTS = ["04b07795-8ddb-461a-bbee-02f9e1bf7b46", "1950a258-227b-4e31-a9cf-717495945fc2"];
/** The audience of the sandbox's refresh tokens (signed like its access tokens; accepted only by this endpoint). */
const REFRESH_TOKEN_AUDIENCE = "urn:linkwright-sandbox:refresh-token";
const JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

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
  // The AD FS-style authority (`/adfs`) is this tenant under another name (see adfsConfiguration).
  const tenant = ctx.params.tenantId ?? deps.tenantId;
  const form = new URLSearchParams(ctx.req.rawBody?.toString("utf8") ?? "");
  const basic = /^Basic\s+(.+)$/i.exec(ctx.req.headers.authorization ?? "");
  let clientId = form.get("client_id") ?? "";
  let clientSecret = form.get("client_secret") ?? "";
  if (basic) {
    const [id, secret] = Buffer.from(basic[1], "base64").toString("utf8").split(":");
    clientId ||= decodeURIComponent(id ?? "");
    clientSecret ||= decodeURIComponent(secret ?? "");
  }
  const clientAssertion = form.get("client_assertion") ?? "";
  const grant = form.get("grant_type");
  const scope = form.get("scope") ?? form.get("resource") ?? "";
  const tid = tenant.toLowerCase() === "common" || tenant.toLowerCase() === "organizations" ? deps.tenantId : tenant;
  if (tid.toLowerCase() !== deps.tenantId.toLowerCase())
    return oauthError(400, "invalid_request", `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`, 90002, ctx);
  if (grant === "password" || grant === "refresh_token") return userSignIn(ctx, deps, form, clientId, tenant);
  if (grant !== "client_credentials" && grant !== OBO_GRANT)
    return oauthError(400, "unsupported_grant_type", `The grant type '${grant ?? ""}' is not supported by the sandbox identity endpoint.`, 70003, ctx);
  if (!clientId) return oauthError(400, "invalid_request", "The request body must contain the following parameter: 'client_id'.", 900144, ctx);
  if (!clientSecret && !clientAssertion) {
    return oauthError(401, "invalid_client", "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 7000218, ctx);
  }
  if (clientSecret && clientAssertion)
    return oauthError(401, "invalid_client", "The request must carry one client credential: 'client_assertion' or 'client_secret', not both.", 7000218, ctx);
  const app = deps.directory.byClientId(clientId);
  if (!app) return oauthError(400, "unauthorized_client", `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`, 700016, ctx);
  if (clientAssertion) {
    const failure = await checkFederatedAssertion(ctx, deps, app, form.get("client_assertion_type"), clientAssertion);
    if (failure) return failure;
  } else if (!deps.directory.checkSecret(clientId, clientSecret)) {
    return oauthError(401, "invalid_client", `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`, 7000215, ctx);
  }
  if (!scope) return oauthError(400, "invalid_request", "The request body must contain the following parameter: 'scope'.", 900144, ctx);
  const resource = audienceOf(scope);
  // An API named by an app id URI or an application id must be registered in the tenant.
  const api = deps.directory.application(resource);
  if (!api && (/^api:\/\//i.test(resource) || isGuid(resource))) {
    return oauthError(400, "invalid_resource", `The resource principal named ${resource} was not found in the tenant named ${tenant}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`, 500011, ctx);
  }

  if (grant === "client_credentials") {
    // App-only: a token for an API carries the app roles assigned to the calling principal (no `roles` claim when none).
    const roles = api ? deps.directory.appRolesOf(app.objectId, api) : [];
    const issued = await deps.tokens.issue(ctx.req.baseUrl, {
      oid: app.objectId, tid: deps.tenantId, appid: app.clientId, idtyp: "app", ...(roles.length ? { roles } : {}),
    }, resource);
    return tokenResponse(issued.accessToken, issued.expiresOn);
  }

  // On-behalf-of: the assertion is a user's token for this middle-tier app.
  if (form.get("requested_token_use") !== "on_behalf_of")
    return oauthError(400, "invalid_request", "The request must contain requested_token_use=on_behalf_of.", 50027, ctx);
  const assertion = form.get("assertion") ?? "";
  const audiences = [app.clientId!, `api://${app.clientId}`, ...(app.identifierUris ?? [])];
  let user;
  try {
    user = await deps.tokens.verify(assertion, audiences, ctx.req.baseUrl);
  } catch (e) {
    if (e instanceof TokenError && e.code === "InvalidAuthenticationTokenAudience") {
      const aud = decodeAudience(assertion);
      return oauthError(400, "invalid_grant", `Assertion audience does not match the Client app presenting the assertion. The audience in the assertion was '${aud}' and the expected audience is '${app.clientId}' or one of the Application Id URIs of this application with App ID '${app.clientId}'(${app.displayName}).`, 500131, ctx);
    }
    if ((e as { code?: string }).code === "ERR_JWT_EXPIRED")
      return oauthError(400, "invalid_grant", `Assertion is not within its valid time range. Ensure that the access token is not expired before using it for user assertion, or request a new token. Current time: ${new Date().toISOString()}.`, 500133, ctx);
    return oauthError(400, "invalid_grant", `Assertion is invalid: ${(e as Error).message}`, 50013, ctx);
  }
  // Only a user's (delegated) token can be exchanged; an app-only token cannot (Learn: OBO "client limitations").
  if (user.idtyp === "app" || deps.directory.get(user.oid)?.principalType === "ServicePrincipal")
    return oauthError(400, "unauthorized_client", `Application '${app.clientId}' is not allowed to make application on-behalf-of calls.`, 7000114, ctx);
  const principal = deps.directory.get(user.oid);
  const issued = await deps.tokens.issue(ctx.req.baseUrl, {
    oid: user.oid, tid: user.tid, appid: app.clientId, idtyp: "user",
    name: principal?.displayName ?? (user.name as string | undefined), upn: principal?.userPrincipalName ?? (user.upn as string | undefined),
    scp: "user_impersonation",
  }, resource);
  return tokenResponse(issued.accessToken, issued.expiresOn);
}

/**
 * A user signing in to a public client: `grant_type=password` (username = user principal name, and the password the
 * directory holds for the user) or `grant_type=refresh_token` (a refresh token this endpoint issued). Answers an access
 * token for the requested resource (delegated: `scp` user_impersonation), an id token, `client_info` (MSAL keys the
 * account by it) and a refresh token, as Entra does.
 */
async function userSignIn(ctx: RouteContext, deps: IdentityDeps, form: URLSearchParams, clientId: string, tenant: string): Promise<RouteResult> {
  if (!clientId) return oauthError(400, "invalid_request", "The request body must contain the following parameter: 'client_id'.", 900144, ctx);
  if (!FIRST_PARTY_PUBLIC_CLIENTS.includes(clientId.toLowerCase()) && !deps.directory.byClientId(clientId))
    return oauthError(400, "unauthorized_client", `Application with identifier '${clientId}' was not found in the directory '${tenant}'.`, 700016, ctx);
  let user: Principal | undefined;
  if (form.get("grant_type") === "password") {
    user = deps.directory.checkUserPassword(form.get("username") ?? "", form.get("password") ?? "");
    if (!user) return oauthError(400, "invalid_grant", "Error validating credentials due to invalid username or password.", 50126, ctx);
  } else {
    try {
      const refresh = await deps.tokens.verify(form.get("refresh_token") ?? "", [REFRESH_TOKEN_AUDIENCE], ctx.req.baseUrl);
      user = refresh.appid?.toLowerCase() === clientId.toLowerCase() ? deps.directory.get(refresh.oid) : undefined;
    } catch {
      user = undefined;
    }
    if (!user) return oauthError(400, "invalid_grant", "The provided value for the 'refresh_token' is not valid.", 9002313, ctx);
  }
  const scope = form.get("scope") ?? form.get("resource") ?? "";
  if (!scope) return oauthError(400, "invalid_request", "The request body must contain the following parameter: 'scope'.", 900144, ctx);
  const resource = audienceOf(scope);
  if (!deps.directory.application(resource) && (/^api:\/\//i.test(resource) || isGuid(resource))) {
    return oauthError(400, "invalid_resource", `The resource principal named ${resource} was not found in the tenant named ${tenant}.`, 500011, ctx);
  }
  const who = { oid: user.objectId, tid: deps.tenantId, name: user.displayName, ...(user.userPrincipalName ? { upn: user.userPrincipalName } : {}) };
  const issued = await deps.tokens.issue(ctx.req.baseUrl, { ...who, appid: clientId, idtyp: "user", scp: "user_impersonation" }, resource);
  const refresh = await deps.tokens.issue(ctx.req.baseUrl, { oid: user.objectId, tid: deps.tenantId, appid: clientId, idtyp: "user" }, REFRESH_TOKEN_AUDIENCE, 24 * 3600);
  const response = tokenResponse(issued.accessToken, issued.expiresOn);
  return {
    ...response,
    body: {
      ...(response.body as Record<string, unknown>),
      refresh_token: refresh.accessToken,
      id_token: await deps.tokens.issueIdToken(ctx.req.baseUrl, who, clientId),
      client_info: Buffer.from(JSON.stringify({ uid: user.objectId, utid: deps.tenantId })).toString("base64url"),
    },
  };
}

function decodeAudience(jwt: string): string {
  try {
    const aud = (JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as { aud?: string | string[] }).aud;
    return Array.isArray(aud) ? aud.join(", ") : aud ?? "";
  } catch {
    return "";
  }
}

/**
 * Workload identity federation: `client_assertion` (type jwt-bearer) instead of a secret. The assertion must be a
 * token this emulator signed (e.g. a managed identity's token for `api://AzureADTokenExchange`) whose issuer and
 * subject match one of the app's federated identity credentials, and whose audience is that credential's audience.
 * Returns the error to answer, or undefined when the client is authenticated.
 */
async function checkFederatedAssertion(ctx: RouteContext, deps: IdentityDeps, app: Principal, type: string | null, assertion: string):
  Promise<RouteResult | undefined> {
  if (!type) return oauthError(400, "invalid_request", "The request body must contain the following parameter: 'client_assertion_type'.", 900144, ctx);
  if (type !== JWT_BEARER_ASSERTION)
    return oauthError(400, "invalid_request", `The 'client_assertion_type' '${type}' is not supported; it must be '${JWT_BEARER_ASSERTION}'.`, 90014, ctx);
  let payload;
  try {
    payload = await verifyEmulatorSignature(deps.tokens, assertion);
  } catch (e) {
    const code = (e as { code?: string }).code;
    if (code === "ERR_JWT_EXPIRED" || code === "ERR_JWT_CLAIM_VALIDATION_FAILED") {
      const claims = safeClaims(assertion);
      const at = (n: unknown) => (typeof n === "number" ? new Date(n * 1000).toISOString() : "unknown");
      return oauthError(400, "invalid_client", `Client assertion is not within its valid time range. Current time: ${new Date().toISOString()}, assertion valid from ${at(claims.nbf ?? claims.iat)}, expiry time of assertion ${at(claims.exp)}. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials .`, 700024, ctx);
    }
    return oauthError(401, "invalid_client", "Client assertion failed signature validation. (The ARM sandbox accepts only client assertions it signed itself, i.e. its own tokens such as a managed identity's token for api://AzureADTokenExchange presented under a federated identity credential; certificate credentials are not implemented.)", 700027, ctx);
  }
  const iss = String(payload.iss ?? "");
  const sub = String(payload.sub ?? "");
  const auds = Array.isArray(payload.aud) ? payload.aud : [String(payload.aud ?? "")];
  const candidates = (app.federatedIdentityCredentials ?? []).filter((f) => f.issuer === iss && f.subject === sub);
  if (candidates.length === 0) {
    return oauthError(401, "invalid_client", `No matching federated identity record found for presented assertion. Assertion Issuer: '${iss}'. Assertion Subject: '${sub}'. Assertion Audience: '${auds.join(", ")}'. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`, 70021, ctx);
  }
  if (!candidates.some((f) => f.audiences.some((a) => auds.includes(a)))) {
    return oauthError(401, "invalid_client", `No matching federated identity record found for presented assertion audience '${auds.join(", ")}'. Please note that the matching is done using a case-sensitive comparison. Check your federated identity credential Subject, Audience and Issuer against the presented assertion. https://learn.microsoft.com/entra/workload-id/workload-identity-federation`, 700212, ctx);
  }
  return undefined;
}

function safeClaims(jwt: string): Record<string, unknown> {
  try {
    return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function tokenResponse(accessToken: string, expiresOn: number): RouteResult {
  const expiresIn = expiresOn - Math.floor(Date.now() / 1000);
  return {
    status: 200,
    headers: { "Cache-Control": "no-store", Pragma: "no-cache" },
    body: { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: accessToken },
  };
}

/**
 * An AD FS-style authority for this tenant: `{base}/adfs`. MSAL Python (az CLI 2.45 ships 1.21) validates every
 * Entra authority whose host is not one of Microsoft's by asking login.microsoftonline.com/common/discovery/instance,
 * which a sandbox cannot answer (MSAL hard-codes that host; az offers no way to turn instance discovery off). AD FS
 * authorities (path `/adfs`) are the ones MSAL and az take as-is, as for Azure Stack Hub's AD FS, so a custom cloud
 * with `--endpoint-active-directory {base}/adfs` reaches this emulator without any Microsoft host. Its token endpoint
 * is the tenant's own (same principals, same tokens and issuer); the document names that issuer so a verifier that
 * starts here accepts what the endpoint issues.
 */
function adfsConfiguration(ctx: RouteContext, deps: IdentityDeps): RouteResult {
  const base = ctx.req.baseUrl;
  const prefix = `${base}/adfs`;
  return {
    status: 200,
    body: {
      issuer: TokenService.issuer(base, deps.tenantId),
      authorization_endpoint: `${prefix}/oauth2/authorize/`,
      token_endpoint: `${prefix}/oauth2/token/`,
      jwks_uri: `${prefix}/discovery/keys`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic", "private_key_jwt"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token", "code token", "code id_token token"],
      response_modes_supported: ["query", "fragment", "form_post"],
      grant_types_supported: ["client_credentials", "urn:ietf:params:oauth:grant-type:jwt-bearer", "password", "refresh_token"],
      subject_types_supported: ["pairwise"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      id_token_signing_alg_values_supported: ["RS256"],
      access_token_issuer: TokenService.issuer(base, deps.tenantId),
    },
  };
}

/**
 * ARM's metadata endpoint (`GET /metadata/endpoints?api-version=2015-01-01`, anonymous), which `az cloud register
 * --endpoint-resource-manager` and Azure Stack tooling read to fill in the rest of a custom cloud. The login endpoint
 * is the AD FS-style authority (see adfsConfiguration) so that az CLI's MSAL needs no Microsoft host; the audiences are
 * ARM's, both of which this emulator accepts.
 */
function armMetadata(ctx: RouteContext): RouteResult {
  const base = ctx.req.baseUrl;
  return {
    status: 200,
    body: {
      galleryEndpoint: `${base}/`,
      graphEndpoint: "https://graph.windows.net/",
      portalEndpoint: `${base}/`,
      authentication: {
        loginEndpoint: `${base}/adfs`,
        audiences: ["https://management.core.windows.net/", "https://management.azure.com/"],
      },
    },
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
      anon("GET", "/adfs/.well-known/openid-configuration", (ctx) => adfsConfiguration(ctx, deps)),
      anon("GET", "/adfs/discovery/keys", () => ({ status: 200, body: deps.tokens.jwks() })),
      anon("POST", "/adfs/oauth2/token", (ctx) => token(ctx, deps)),
      anon("GET", "/metadata/endpoints", (ctx) => armMetadata(ctx)),
    ],
  };
}
