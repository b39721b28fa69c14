// What health checks are evaluated against: one read of everything a set of connections depends on, taken in
// batches (Resource Graph rows, one settings read per source, role assignments, keys, Key Vault secrets).
// A read that failed even after retries is kept as such, so the checks that needed it come out inconclusive
// instead of failing.
import { subscriptionOf } from "../azure/resourceId.js";
import type { FunctionBindings } from "../catalogue/bindings.js";
import { normalizeResourceId, parseResourceId } from "../azure/resourceId.js";

export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

/** A read that failed, as the snapshot keeps it: the error's code (or HTTP status) and the first line of its message. */
export function failedRead(e: unknown): { ok: false; error: string } {
  const err = e as { code?: unknown; statusCode?: unknown; message?: unknown };
  return { ok: false, error: `${err.code ?? err.statusCode ?? "Error"}: ${String(err.message ?? e).split("\n")[0]}` };
}

export interface GraphIdentity {
  type?: string;
  principalId?: string;
  tenantId?: string;
  userAssignedIdentities?: Record<string, { principalId?: string; clientId?: string } | null>;
}

/** A Resource Graph `Resources` row (the columns health needs). */
export interface GraphResource {
  id: string;
  type: string;
  properties: Record<string, unknown>;
  identity: GraphIdentity | null;
  /** `kind` (e.g. "functionapp,linux"), when Graph listed it. */
  kind?: string;
  /** Exists (a direct read found it) but Resource Graph has not indexed it yet: its properties are unknown. */
  unindexed?: boolean;
}

export interface RoleAssignmentRow {
  id?: string;
  scope: string;
  principalId: string;
  roleDefinitionId: string;
}

/** A private endpoint's Resource Graph row (the columns the private-link check needs). */
export interface PrivateEndpointRow {
  id: string;
  properties: {
    privateLinkServiceConnections?: PrivateLinkServiceConnection[];
    manualPrivateLinkServiceConnections?: PrivateLinkServiceConnection[];
    [key: string]: unknown;
  };
}

export interface PrivateLinkServiceConnection {
  name?: string;
  properties?: { privateLinkServiceId?: string; groupIds?: string[]; privateLinkServiceConnectionState?: { status?: string; description?: string } };
}

export interface HealthSnapshot {
  /** By existenceKey(id): the row, or undefined when the resource does not exist. */
  resources: Map<string, Read<GraphResource | undefined>>;
  /** By settingsKey(sourceId, scope). */
  settings: Map<string, Read<Record<string, string>>>;
  /** By lower-cased subscription id: the assignments read (for the principals that matter). */
  roleAssignments: Map<string, Read<RoleAssignmentRow[]>>;
  /** By normalized storage account id: its current key values. */
  storageKeys: Map<string, Read<string[]>>;
  /** By secretKey(vaultUri, name): the secret's current value, undefined when absent. Read only from vaults ARM
   *  reports (keyVaults): a secret of any other host has no entry. */
  keyVaultSecrets: Map<string, Read<string | undefined>>;
  /** By vaultOrigin(uri) of every Key Vault a connection reads: the id of the vault ARM reports with exactly that
   *  `properties.vaultUri` origin, or undefined when none does (then nothing is sent to that host). */
  keyVaults: Map<string, Read<string | undefined>>;
  /** By secretSourceKey(source): other secret sources (templates filled from a target's secret action), resolved. */
  resolvedSecrets: Map<string, Read<string>>;
  /** By existenceId(source): the functions (name + bindings) of each function-app source, when asked for. */
  functionBindings: Map<string, Read<FunctionBindings[]>>;
  /** The private endpoints in the plan's subscriptions; read only when a connection uses vNetSolution privateLink. */
  privateEndpoints?: Read<PrivateEndpointRow[]>;
}

export function emptySnapshot(): HealthSnapshot {
  return {
    resources: new Map(), settings: new Map(), roleAssignments: new Map(), storageKeys: new Map(), keyVaultSecrets: new Map(), keyVaults: new Map(),
    resolvedSecrets: new Map(), functionBindings: new Map(),
  };
}

/** The resource whose existence stands for `id` in Resource Graph: sub-resources (a storage account's blob
 *  service, a vault's secret) are represented by their top-level resource; sites/slots are rows of their own. */
export function existenceId(id: string): string {
  const p = parseResourceId(id);
  if (!p) return normalizeResourceId(id);
  const base = `/subscriptions/${p.subscriptionId}/resourceGroups/${p.resourceGroup}/providers/${p.namespace}`;
  const keep = p.fullType.toLowerCase() === "microsoft.web/sites/slots" ? 2 : 1;
  const segments = p.types.slice(0, keep).flatMap((t, i) => [t, p.names[i]!]);
  return normalizeResourceId(`${base}/${segments.join("/")}`);
}

export function settingsKey(sourceId: string, scope?: string | null): string {
  return `${normalizeResourceId(sourceId)}|${(scope ?? "").toLowerCase()}`;
}

export function secretKey(vaultUri: string, name: string): string {
  return `${vaultUri.replace(/\/+$/, "").toLowerCase()}|${name.toLowerCase()}`;
}

/** Subscription of an id, lower-cased (a map key). */
export function subscriptionKeyOf(id: string): string | undefined {
  return subscriptionOf(id)?.toLowerCase();
}

/** `@Microsoft.KeyVault(SecretUri=https://v.vault.azure.net/secrets/name/[version])` → vault + name. */
export function parseKeyVaultReference(value: string): { vaultUri: string; name: string } | undefined {
  const m = /^@Microsoft\.KeyVault\(SecretUri=(https?:\/\/[^/]+)\/secrets\/([^/)]+)(?:\/[^)]*)?\)$/i.exec(value.trim());
  if (m) return { vaultUri: m[1]!, name: m[2]! };
  const n = /^@Microsoft\.KeyVault\(VaultName=([^;]+);SecretName=([^;)]+)(?:;[^)]*)?\)$/i.exec(value.trim());
  return n ? { vaultUri: `https://${n[1]}.vault.azure.net`, name: n[2]! } : undefined;
}

/** `scheme://host[:port]` of a vault URI or secret URI, lower-cased (default ports dropped); undefined when it is not
 *  an http(s) URL. Two URIs name the same vault only when these are equal. */
export function vaultOrigin(uri: string): string | undefined {
  try {
    const u = new URL(uri);
    return u.protocol === "https:" || u.protocol === "http:" ? u.origin.toLowerCase() : undefined;
  } catch {
    return undefined;
  }
}

/** Identity of a secret source that is resolved as a whole (no plaintext in it: sealed parts stay sealed). */
export function secretSourceKey(source: unknown): string {
  return JSON.stringify(source);
}
