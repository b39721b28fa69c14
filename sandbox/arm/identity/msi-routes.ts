// App Service managed-identity protocol (IDENTITY_ENDPOINT + IDENTITY_HEADER, api-version 2019-08-01), so
// @azure/identity ManagedIdentityCredential works unchanged for an app hosted by the sandbox.
import { randomBytes } from "node:crypto";
import type { Provider, RouteContext, RouteResult } from "../core/contract.js";
import type { Directory } from "./principals.js";
import type { TokenService } from "./tokens.js";

export const MSI_PATH = "/_identity/msi/token";

/** Maps IDENTITY_HEADER secrets to the system-assigned principal of the app they were issued for. */
export class ManagedIdentityEndpoint {
  private readonly secrets = new Map<string, string>();

  constructor(private readonly tokens: TokenService, private readonly directory: Directory, private readonly tenantId: string) {}

  /** Environment an app process needs so ManagedIdentityCredential talks to this emulator as `principalId`. */
  environmentFor(baseUrl: string, principalId: string): { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string } {
    if (!this.directory.get(principalId)) throw new Error(`no principal ${principalId} in the sandbox directory`);
    const secret = randomBytes(24).toString("hex");
    this.secrets.set(secret, principalId);
    return { IDENTITY_ENDPOINT: `${baseUrl}${MSI_PATH}`, IDENTITY_HEADER: secret };
  }

  private error(status: number, message: string): RouteResult {
    return { status, body: { statusCode: status, message, correlationId: "" } };
  }

  async handle(ctx: RouteContext): Promise<RouteResult> {
    const q = ctx.req.query;
    const secret = ctx.req.headers["x-identity-header"];
    const appPrincipal = secret ? this.secrets.get(secret) : undefined;
    if (!appPrincipal) return this.error(401, "The X-IDENTITY-HEADER header is missing or invalid.");
    if (q.get("api-version") !== "2019-08-01") return this.error(400, `api-version '${q.get("api-version") ?? ""}' is not supported; use 2019-08-01.`);
    const resource = q.get("resource");
    if (!resource) return this.error(400, "The 'resource' query parameter is required.");
    const clientId = q.get("client_id");
    const objectId = q.get("object_id") ?? q.get("principal_id");
    const miResId = q.get("mi_res_id") ?? q.get("msi_res_id");
    let principal = this.directory.get(appPrincipal);
    if (clientId) principal = this.directory.byClientId(clientId);
    else if (objectId) principal = this.directory.get(objectId);
    else if (miResId) principal = this.directory.byManagedResource(miResId);
    if (!principal || !principal.managedIdentity && (clientId || objectId || miResId))
      return this.error(400, "No managed identity found for the specified identity.");
    const issued = await this.tokens.issue(ctx.req.baseUrl, {
      oid: principal.objectId, tid: this.tenantId, appid: principal.clientId, idtyp: "app",
    }, resource);
    return {
      status: 200,
      body: {
        access_token: issued.accessToken,
        expires_on: String(issued.expiresOn),
        resource,
        token_type: "Bearer",
        client_id: principal.clientId,
      },
    };
  }

  provider(): Provider {
    return {
      namespace: "Sandbox.ManagedIdentity",
      routes: [{ method: "GET", template: MSI_PATH, action: "Microsoft.ManagedIdentity/token/read", kind: "read", anonymous: true, handle: (ctx) => this.handle(ctx) }],
    };
  }
}
