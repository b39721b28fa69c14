// The signed-in developer's token for the API: LINKWRIGHT_ACCESS_TOKEN when set (tests, CI, a token from elsewhere),
// otherwise @azure/identity's DefaultAzureCredential (environment, workload identity, managed identity, az / azd /
// Azure PowerShell sign-in) for `<audience>/.default`. The token's `oid` is the user a local connection is for.

export const DEFAULT_AUDIENCE = "https://management.azure.com/";
export const ACCESS_TOKEN_ENV = "LINKWRIGHT_ACCESS_TOKEN";

export interface AccessToken {
  token: string;
  /** The signed-in principal's object id (`oid`), when the token says. */
  principalId?: string;
  /** Where the token came from, for messages. */
  source: string;
}

/** `https://management.azure.com/` → `https://management.azure.com/.default`; `api://x` → `api://x/.default`. */
export function scopeFor(audience: string): string {
  return `${audience.replace(/\/+$/, "")}/.default`;
}

export async function getAccessToken(audience: string, env: NodeJS.ProcessEnv): Promise<AccessToken> {
  const fromEnv = env[ACCESS_TOKEN_ENV]?.trim();
  if (fromEnv) return withPrincipal(fromEnv, ACCESS_TOKEN_ENV);
  const { DefaultAzureCredential } = await import("@azure/identity");
  try {
    const t = await new DefaultAzureCredential().getToken(scopeFor(audience));
    if (!t?.token) throw new Error("no token");
    return withPrincipal(t.token, "DefaultAzureCredential");
  } catch (e) {
    throw new Error(
      `could not get a token for ${scopeFor(audience)}: ${(e as Error).message.split("\n")[0]}\n` +
        `Sign in first (az login, azd auth login, or the AZURE_CLIENT_ID / AZURE_TENANT_ID / AZURE_CLIENT_SECRET variables), ` +
        `or set ${ACCESS_TOKEN_ENV}.`,
    );
  }
}

function withPrincipal(token: string, source: string): AccessToken {
  const oid = tokenClaims(token)?.["oid"];
  return { token, source, ...(typeof oid === "string" && oid ? { principalId: oid } : {}) };
}

/** The claims of a JWT (not verified: only read to learn who the caller is). */
export function tokenClaims(token: string): Record<string, unknown> | undefined {
  const payload = token.split(".")[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as unknown;
    return typeof claims === "object" && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
