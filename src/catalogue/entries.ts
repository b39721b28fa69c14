// Small builders used by the per-target data modules to declare configuration entries.
import type { AuthType, CellTable, ClientType, EntrySpec, FactName, SecretSource, SourceKind, TargetFacts } from "./types.js";

/** Thrown by value builders when a fact they need was not supplied; index.ts turns it into a CatalogueError. */
export class MissingFactError extends Error {
  constructor(readonly fact: FactName) {
    super(`missing target fact '${fact}'`);
  }
}

/** The fact's value, or MissingFactError. */
export function need(facts: TargetFacts, fact: FactName): string {
  const v = facts[fact];
  if (v === undefined || v === "") throw new MissingFactError(fact);
  return v;
}

/** A value builder reading one fact: `const host = fact("host")`. */
export const fact = (name: FactName) => (f: TargetFacts): string => need(f, name);

type Value = string | ((f: TargetFacts) => string);
const toFn = (v: Value): ((f: TargetFacts) => string) => (typeof v === "string" ? () => v : v);

/** A `<Cloud>_<Type>_<Name>` key, subject to the CONN2 rule (§2). */
export function key(prefix: string, suffix: string, value: Value, description: string, isSecret = false): EntrySpec {
  return { name: `${prefix}_${suffix}`, conn2: { prefix, suffix }, value: toFn(value), isSecret, description };
}

/** A secret `<Cloud>_<Type>_<Name>` key. */
export function secretKey(prefix: string, suffix: string, value: Value, description: string): EntrySpec {
  return key(prefix, suffix, value, description, true);
}

/** A library property name (Spring Boot, `APPLICATIONINSIGHTS_CONNECTION_STRING`): never renamed by CONN2. */
export function prop(name: string, value: Value, description: string, isSecret = false): EntrySpec {
  return { name, value: toFn(value), isSecret, description };
}

/** `<P>_CLIENTID`, `<P>_CLIENTSECRET`, `<P>_TENANTID` ("SP+" in §6). */
export function spPlus(prefix: string): EntrySpec[] {
  return [
    key(prefix, "CLIENTID", (f) => need(f, "clientId"), "Client id of the service principal"),
    secretKey(prefix, "CLIENTSECRET", (f) => need(f, "clientSecret"), "Client secret of the service principal"),
    key(prefix, "TENANTID", (f) => need(f, "tenantId"), "Tenant id of the service principal"),
  ];
}

/** `<P>_CLIENTID` for a user-assigned identity. */
export function umiClientId(prefix: string): EntrySpec {
  return key(prefix, "CLIENTID", (f) => need(f, "clientId"), "Client id of the user-assigned managed identity");
}

/** Same auth-type list for every source kind (FunctionApp, slots and Container Apps use the WebApp list, §4a). */
export function sameForAllSources(list: AuthType[]): Record<SourceKind, AuthType[]> {
  return { webapp: list, functionapp: list, slot: list, containerapp: list };
}

/** Builds a cell table: `cells({ secret: { dotnet: [...], java: [...] } })`, or one list for several clients. */
export function forClients(clients: readonly ClientType[], entries: EntrySpec[]): Partial<Record<ClientType, EntrySpec[]>> {
  const out: Partial<Record<ClientType, EntrySpec[]>> = {};
  for (const c of clients) out[c] = entries;
  return out;
}

export function mergeCells(...parts: CellTable[]): CellTable {
  const out: CellTable = {};
  for (const part of parts) {
    for (const [auth, byClient] of Object.entries(part) as [AuthType, Partial<Record<ClientType, EntrySpec[]>>][]) {
      out[auth] = { ...(out[auth] ?? {}), ...byClient };
    }
  }
  return out;
}

/** Strips a trailing slash (facts from ARM usually carry one on endpoints). */
export function noSlash(url: string): string {
  return url.endsWith("/") ? url.slice(0, -1) : url;
}

/** Ensures exactly one trailing slash. */
export function withSlash(url: string): string {
  return url.endsWith("/") ? url : `${url}/`;
}

/** Host part of an URL or host string (`https://x.y.z:443/` → `x.y.z`). */
export function hostOf(urlOrHost: string): string {
  if (!/^[a-z]+:\/\//i.test(urlOrHost)) return urlOrHost.replace(/\/.*$/, "");
  return new URL(urlOrHost).hostname;
}

/** Databases: the user name and password come from the request (ARM never reveals them). */
export function userPasswordSecret(what: string): SecretSource {
  return {
    kind: "userProvided",
    fields: [
      { fact: "userName", from: "authInfo.name" },
      { fact: "password", from: "authInfo.secretInfo (rawValue or keyVaultSecretUri)" },
    ],
    note: `${what} are not readable from ARM; the request supplies the user and password.`,
  };
}
