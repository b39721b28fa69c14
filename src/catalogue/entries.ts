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

/** Same auth-type list for every Azure source kind (FunctionApp, slots and Container Apps use the WebApp list, §4a), and
 *  the list of a local connection (a connector: the developer's own machine; §4a's Local column). */
export function sameForAllSources(list: AuthType[], local: AuthType[]): Record<SourceKind, AuthType[]> {
  return { webapp: list, functionapp: list, slot: list, containerapp: list, local };
}

/** Local connections (§4a Local: SA, UA, SP) to targets with identity auth: secret, the developer's own account, or a
 *  service principal. */
export const LOCAL_IDENTITY_AUTH: AuthType[] = ["secret", "userAccount", "servicePrincipalSecret"];
/** Local connections to databases: secret only. Service Connector's `--user-account` makes the developer the server's
 *  Microsoft Entra admin from the CLI (the passwordless extension); linkwright does not do that for a connector. */
export const LOCAL_DATABASE_AUTH: AuthType[] = ["secret"];

/** A setting only a managed identity needs (Spring Cloud Azure's `…credential.managed-identity-enabled` switches). */
const MANAGED_IDENTITY_SWITCH = /(^|\.)(client-)?managed-identity-enabled$/;

/** The cells of `userAccount` (a local connection signed in as the developer): the system-assigned identity's names,
 *  without the managed-identity switches — locally the developer's own sign-in (DefaultAzureCredential) is the
 *  credential. Service Connector's local userAccount configuration (e.g. Key Vault: AZURE_KEYVAULT_RESOURCEENDPOINT,
 *  AZURE_KEYVAULT_SCOPE) is the identity configuration without a client id. */
export function userAccountCells(cells: CellTable): CellTable {
  const smi = cells.systemAssignedIdentity;
  if (!smi) return cells;
  const out: Partial<Record<ClientType, EntrySpec[]>> = {};
  for (const [client, specs] of Object.entries(smi) as [ClientType, EntrySpec[]][]) {
    out[client] = specs.filter((s) => !MANAGED_IDENTITY_SWITCH.test(s.name));
  }
  return { ...cells, userAccount: out };
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
