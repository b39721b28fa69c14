// OpenID Connect discovery: `<issuer>/.well-known/openid-configuration` -> { issuer, jwks_uri }, cached
// per instance (a failed fetch is not cached, so the next request retries).
export type FetchLike = (url: string, init?: { headers?: Record<string, string>; signal?: AbortSignal }) => Promise<Response>;

export interface OpenIdConfiguration {
  issuer: string;
  jwks_uri: string;
}

export function createOpenIdDiscovery(options: { issuer: string; fetch?: FetchLike; timeoutMs?: number }): () => Promise<OpenIdConfiguration> {
  const fetchImpl: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const url = `${options.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
  let cached: Promise<OpenIdConfiguration> | undefined;
  return () => {
    cached ??= (async () => {
      const response = await fetchImpl(url, { headers: { accept: "application/json" }, signal: AbortSignal.timeout(options.timeoutMs ?? 5000) });
      if (!response.ok) throw new Error(`OpenID discovery at ${url} answered ${response.status}`);
      const doc = (await response.json()) as Partial<OpenIdConfiguration>;
      if (typeof doc.issuer !== "string" || typeof doc.jwks_uri !== "string") throw new Error(`OpenID discovery at ${url} lacks issuer/jwks_uri`);
      return { issuer: doc.issuer, jwks_uri: doc.jwks_uri };
    })().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}
