// Property-based requests against the ServiceLinker front door (issue #15, fuzzing). Each request starts from a valid
// one for a route (linker CRUD and actions, lists, dry runs, operation status, configuration names, loops, health)
// and, usually, breaks exactly one dimension of it — the body, a resource id, a name, the query, the api-version,
// the headers, the method, the path, or what the caller may do — with one named mutation (its "cell"). A few requests
// stay valid (they build the state the broken ones meet: existing linkers, running operations, ETags) and a few
// combine several mutations. Everything is drawn by fast-check from one seed, so a run is reproducible.
//
// What only the run knows (a real operation id, a stored ETag, a signed token) is left as a placeholder the runner
// resolves: OP_PLACEHOLDER in the URL, ETAG_PLACEHOLDER in a header, `auth` for the Authorization header.
import fc from "fast-check";
import type { AccessMode } from "./api.js";

export const SUB = "00000000-0000-0000-0000-00000000c4a5";
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;
export const OP_PLACEHOLDER = "@@OPERATION@@";
export const ETAG_PLACEHOLDER = "@@ETAG@@";

export const SOURCES = [
  `${RG}/providers/Microsoft.Web/sites/app1`,
  `${RG}/providers/Microsoft.Web/sites/app2`,
  `${RG}/providers/Microsoft.Web/sites/app1/slots/staging`,
  `${RG}/providers/Microsoft.App/containerApps/ca1`,
  `${RG}/providers/Microsoft.ContainerService/managedClusters/aks1`, // unsupported source
];
const NAMES = ["blob", "conn1", "Conn_2"];
const TARGET = {
  blob: `${RG}/providers/Microsoft.Storage/storageAccounts/sa1/blobServices/default`,
  queue: `${RG}/providers/Microsoft.Storage/storageAccounts/sa1/queueServices/default`,
  kv: `${RG}/providers/Microsoft.KeyVault/vaults/kv1`,
  sb: `${RG}/providers/Microsoft.ServiceBus/namespaces/sb1`,
  sql: `${RG}/providers/Microsoft.Sql/servers/sql1/databases/db1`,
  appconfig: `${RG}/providers/Microsoft.AppConfiguration/configurationStores/ac1`,
};
const CLIENT_ID = "7a1c5e1e-0000-4000-8000-00000000c11e";
/** The templates' secret values: no response may carry them (the API masks secrets; errors must not quote them). */
export const SECRET_VALUES = ["sp-secret-value", "P@ssw0rd!", "confluent-secret"];

/** Valid LinkerProperties, one per shape the schema allows (each property of servicelinker-api.md §2 appears). */
const LINKER_TEMPLATES: Record<string, unknown>[] = [
  { targetService: { type: "AzureResource", id: TARGET.blob }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "dotnet" },
  { targetService: { type: "AzureResource", id: TARGET.kv }, authInfo: { authType: "systemAssignedIdentity", roles: [] }, clientType: "python",
    configurationInfo: { customizedKeys: { AZURE_KEYVAULT_RESOURCEENDPOINT: "KV_URL" }, deleteOrUpdateBehavior: "Default" } },
  { targetService: { type: "AzureResource", id: TARGET.sb }, authInfo: { authType: "userAssignedIdentity", clientId: CLIENT_ID, subscriptionId: SUB }, clientType: "nodejs" },
  { targetService: { type: "AzureResource", id: TARGET.queue }, authInfo: { authType: "secret" }, clientType: "java", secretStore: { keyVaultId: TARGET.kv, keyVaultSecretName: "queue-cs" } },
  { targetService: { type: "AzureResource", id: TARGET.blob },
    authInfo: { authType: "servicePrincipalSecret", clientId: CLIENT_ID, principalId: "0d5f0000-0000-4000-8000-000000000001", secret: SECRET_VALUES[0] }, clientType: "go" },
  { targetService: { type: "AzureResource", id: TARGET.sql }, authInfo: { authType: "secret", name: "admin", secretInfo: { secretType: "rawValue", value: SECRET_VALUES[1] } },
    clientType: "dotnet", publicNetworkSolution: { action: "enable", deleteOrUpdateBehavior: "Default", firewallRules: { callerClientIP: "true", azureServices: "true", ipRanges: ["10.0.0.1"] } } },
  { targetService: { type: "ConfluentBootstrapServer", endpoint: "pkc-0000.eastus.azure.confluent.cloud:9092" },
    authInfo: { authType: "secret", name: "key", secretInfo: { secretType: "rawValue", value: SECRET_VALUES[2] } }, clientType: "python" },
  { targetService: { type: "AzureResource", id: TARGET.appconfig }, authInfo: { authType: "systemAssignedIdentity", deleteOrUpdateBehavior: "ForcedCleanup" },
    configurationInfo: { action: "enable", additionalConfigurations: { EXTRA: "1" }, configurationStore: { appConfigurationId: TARGET.appconfig } },
    vNetSolution: { type: "serviceEndpoint", deleteOrUpdateBehavior: "Default" }, scope: "default", clientType: "none" },
];

/** Valid properties of a connector (a local connection: the developer's machine is the source; servicelinker-api.md
 *  2022-11-01-preview), as the az CLI sends them. */
const CONNECTOR_TEMPLATES: Record<string, unknown>[] = [
  { targetService: { type: "AzureResource", id: TARGET.blob }, authInfo: { authType: "userAccount", principalId: "0d5f0000-0000-4000-8000-0000000000d1" },
    clientType: "nodejs", publicNetworkSolution: { firewallRules: { callerClientIP: "true" } } },
  { targetService: { type: "AzureResource", id: TARGET.kv }, authInfo: { authType: "userAccount" }, clientType: "python" },
  { targetService: { type: "AzureResource", id: TARGET.blob }, authInfo: { authType: "secret" }, clientType: "dotnet" },
];

/** Every property path of the request bodies' schemas (LinkerResource, DryrunResource, ConfigurationInfo, detectLoops). */
const SCHEMA_PATHS = [
  ...["", "targetService", "targetService.type", "targetService.id", "targetService.endpoint", "targetService.resourceProperties",
    "targetService.resourceProperties.type", "targetService.resourceProperties.connectAsKubernetesCsiDriver",
    "authInfo", "authInfo.authType", "authInfo.clientId", "authInfo.subscriptionId", "authInfo.principalId", "authInfo.secret",
    "authInfo.certificate", "authInfo.name", "authInfo.userName", "authInfo.roles", "authInfo.authMode", "authInfo.deleteOrUpdateBehavior",
    "authInfo.permissions", "authInfo.secretInfo", "authInfo.secretInfo.secretType", "authInfo.secretInfo.value", "authInfo.secretInfo.name",
    "authInfo.secretInfo.version", "authInfo.secretInfo.secretId", "clientType", "scope", "provisioningState",
    "vNetSolution", "vNetSolution.type", "vNetSolution.deleteOrUpdateBehavior", "secretStore", "secretStore.keyVaultId",
    "secretStore.keyVaultSecretName", "publicNetworkSolution", "publicNetworkSolution.action", "publicNetworkSolution.deleteOrUpdateBehavior",
    "publicNetworkSolution.firewallRules", "publicNetworkSolution.firewallRules.ipRanges", "publicNetworkSolution.firewallRules.azureServices",
    "publicNetworkSolution.firewallRules.callerClientIP", "configurationInfo", "configurationInfo.action", "configurationInfo.deleteOrUpdateBehavior",
    "configurationInfo.customizedKeys", "configurationInfo.additionalConfigurations", "configurationInfo.additionalConnectionStringProperties",
    "configurationInfo.configurationStore", "configurationInfo.configurationStore.appConfigurationId", "configurationInfo.daprProperties",
  ].map((p) => (p ? `properties.${p}` : "properties")),
  "id", "name", "type", "systemData", "properties.parameters", "properties.parameters.actionName", "appIds", "customizedKeys",
];

// ---------------------------------------------------------------------------------------------------------------------
// Routes: the valid request each one starts from.

type BodyKind = "linker" | "patch" | "dryrun" | "connector" | "connectorPatch" | "connectorDryrun" | "configurationInfo" | "detectLoops" | "none";

interface Route {
  name: string;
  method: string;
  /** Segments after /providers/Microsoft.ServiceLinker/ (NAME = the name slot). */
  tail: string[];
  /** Scope before /providers/Microsoft.ServiceLinker/: a source, a resource group (connectors: the tail starts with
   *  locations/LOCATION), the subscription, or nothing. */
  scope: "source" | "resourceGroup" | "subscription" | "none";
  body: BodyKind;
  query?: [string, string][];
  weight: number;
}

const NAME = "\u0000NAME\u0000";
const LOCATION = "\u0000LOCATION\u0000";
const ROUTES: Route[] = [
  { name: "putLinker", method: "PUT", tail: ["linkers", NAME], scope: "source", body: "linker", weight: 14 },
  { name: "patchLinker", method: "PATCH", tail: ["linkers", NAME], scope: "source", body: "patch", weight: 6 },
  { name: "getLinker", method: "GET", tail: ["linkers", NAME], scope: "source", body: "none", weight: 5 },
  { name: "deleteLinker", method: "DELETE", tail: ["linkers", NAME], scope: "source", body: "none", weight: 4 },
  { name: "listLinkers", method: "GET", tail: ["linkers"], scope: "source", body: "none", query: [["$top", "2"]], weight: 3 },
  { name: "validateLinker", method: "POST", tail: ["linkers", NAME, "validateLinker"], scope: "source", body: "none", weight: 3 },
  { name: "listConfigurations", method: "POST", tail: ["linkers", NAME, "listConfigurations"], scope: "source", body: "none", weight: 3 },
  { name: "generateConfigurations", method: "POST", tail: ["linkers", NAME, "generateConfigurations"], scope: "source", body: "configurationInfo", weight: 3 },
  { name: "healthHistory", method: "GET", tail: ["linkers", NAME, "healthHistory"], scope: "source", body: "none", weight: 2 },
  { name: "putDryrun", method: "PUT", tail: ["dryruns", NAME], scope: "source", body: "dryrun", weight: 6 },
  { name: "getDryrun", method: "GET", tail: ["dryruns", NAME], scope: "source", body: "none", weight: 2 },
  { name: "deleteDryrun", method: "DELETE", tail: ["dryruns", NAME], scope: "source", body: "none", weight: 2 },
  { name: "listDryruns", method: "GET", tail: ["dryruns"], scope: "source", body: "none", weight: 2 },
  { name: "operationStatus", method: "GET", tail: ["locations", "westus", "operationStatuses", OP_PLACEHOLDER], scope: "subscription", body: "none", weight: 4 },
  { name: "operationResult", method: "GET", tail: ["locations", "westus", "operationResults", OP_PLACEHOLDER], scope: "subscription", body: "none", weight: 3 },
  { name: "listOperations", method: "GET", tail: ["operations"], scope: "none", body: "none", weight: 1 },
  { name: "configurationNames", method: "GET", tail: ["configurationNames"], scope: "none", body: "none",
    query: [["$filter", "targetService eq 'microsoft.storage/storageaccounts' and clientType eq 'dotnet'"], ["$top", "3"]], weight: 2 },
  { name: "detectLoops", method: "POST", tail: ["detectLoops"], scope: "subscription", body: "detectLoops", weight: 2 },
  { name: "loopFindings", method: "GET", tail: ["loopFindings"], scope: "source", body: "none", weight: 1 },
  // Connectors (local connections) and their dry runs, under a resource group and a location.
  { name: "putConnector", method: "PUT", tail: ["locations", LOCATION, "connectors", NAME], scope: "resourceGroup", body: "connector", weight: 5 },
  { name: "patchConnector", method: "PATCH", tail: ["locations", LOCATION, "connectors", NAME], scope: "resourceGroup", body: "connectorPatch", weight: 2 },
  { name: "getConnector", method: "GET", tail: ["locations", LOCATION, "connectors", NAME], scope: "resourceGroup", body: "none", weight: 2 },
  { name: "deleteConnector", method: "DELETE", tail: ["locations", LOCATION, "connectors", NAME], scope: "resourceGroup", body: "none", weight: 2 },
  { name: "listConnectors", method: "GET", tail: ["locations", LOCATION, "connectors"], scope: "resourceGroup", body: "none", weight: 1 },
  { name: "validateConnector", method: "POST", tail: ["locations", LOCATION, "connectors", NAME, "validate"], scope: "resourceGroup", body: "none", weight: 1 },
  { name: "generateConfigurationsConnector", method: "POST", tail: ["locations", LOCATION, "connectors", NAME, "generateConfigurations"], scope: "resourceGroup", body: "configurationInfo", weight: 1 },
  { name: "putLocationDryrun", method: "PUT", tail: ["locations", LOCATION, "dryruns", NAME], scope: "resourceGroup", body: "connectorDryrun", weight: 2 },
  { name: "getLocationDryrun", method: "GET", tail: ["locations", LOCATION, "dryruns", NAME], scope: "resourceGroup", body: "none", weight: 1 },
  { name: "listLocationDryruns", method: "GET", tail: ["locations", LOCATION, "dryruns"], scope: "resourceGroup", body: "none", weight: 1 },
];

export const API_VERSIONS = ["2022-05-01", "2022-11-01-preview", "2024-04-01", "2024-07-01-preview"];

// ---------------------------------------------------------------------------------------------------------------------
// Values.

/** Strings that have broken parsers, keys, filters and logs before. */
const TRICKY = [
  "", " ", ".", "..", "../..", "./", "%", "%2F", "%2e%2e", "%00", "%zz", "%C0%AF", "\\", "/", "//", "a/b", "a\\b", "a#b", "a?b", "a'b", "a''b",
  "a!2Fb", "!", "!ZZ", "a|b", "a*b", "a<b>", "a&b", "a:b", "a\u0000b", "\u0000", "\u0007", "\r\n", "\t", "\u007f", "\u0085", "\u009f",
  "\u202e", "\ufeff", "\u200b", "\ud800", "\udfff", "\ud83d\ude00", "e\u0301", "İ", "ß", "Σ", "ﬀ", "\uffff", "{{lw-secret:0123}}",
  "' or ''='", "PartitionKey eq ''", "<script>", "null", "undefined", "__proto__", "constructor", "prototype", "NaN", "0", "-1", "1e309",
  "$(id)", "${x}", "CON", "nul", "*", "true",
];
const CONTROL = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).concat(["\u007f", "\u0080", "\u009f"]);

const trickyString = fc.constantFrom(...TRICKY);
const hugeString = fc.record({ n: fc.integer({ min: 1_000, max: 200_000 }), c: fc.constantFrom("a", "€", "\ud83d\ude00", "\u0000", "'", "!", "/", "%") })
  .map(({ n, c }) => c.repeat(n));
export const specialString: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: trickyString },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom(...CONTROL), minLength: 1, maxLength: 12 }) },
  { weight: 1, arbitrary: fc.tuple(trickyString, fc.string({ maxLength: 8 }), trickyString).map((t) => t.join("")) },
  { weight: 1, arbitrary: hugeString },
);
/** Any JSON value, including the wrong type for whatever property it lands on. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({}), specialString,
  fc.jsonValue({ maxDepth: 3 }), fc.array(specialString, { maxLength: 4 }), fc.dictionary(specialString, specialString, { maxKeys: 4 }),
  fc.constantFrom(...API_VERSIONS, ...Object.values(TARGET), "AzureResource", "systemAssignedIdentity", "secret", "rawValue", "dotnet", "createOrUpdate"),
);

// ---------------------------------------------------------------------------------------------------------------------
// Mutations. Each is data (drawn by fast-check) plus a pure `apply` on the draft request.

export type Dimension = "valid" | "body" | "resourceId" | "name" | "query" | "apiVersion" | "headers" | "method" | "path" | "access" | "combined";
export const DIMENSIONS: Dimension[] = ["body", "resourceId", "name", "query", "apiVersion", "headers", "method", "path", "access", "combined", "valid"];

export type AuthKind =
  | "valid" | "missing" | "emptyBearer" | "basic" | "lowercaseScheme" | "extraSpaces" | "garbage" | "expired" | "notYetValid"
  | "wrongAudience" | "strangerKey" | "wrongIssuer" | "noObjectId" | "algNone" | "appOnly" | "huge" | "twoTokens" | "truncated";
export const AUTH_KINDS: AuthKind[] = ["valid", "missing", "emptyBearer", "basic", "lowercaseScheme", "extraSpaces", "garbage", "expired", "notYetValid",
  "wrongAudience", "strangerKey", "wrongIssuer", "noObjectId", "algNone", "appOnly", "huge", "twoTokens", "truncated"];

interface Body { value: unknown; raws: string[] }

/** The request being built: structured until the end, so each mutation touches one part. */
interface Draft {
  route: Route;
  method: string;
  source: string;
  /** The resource group of connector routes. */
  resourceGroup: string;
  /** Their location segment. */
  location: string;
  name: string;
  /** The provider part, "/providers/Microsoft.ServiceLinker/". */
  provider: string;
  path?: string;
  pathRaw?: boolean;
  query: [string, string][];
  rawQuery?: string;
  headers: Record<string, string>;
  auth: AuthKind;
  body?: Body | { text: string };
  access: AccessMode;
}

export interface FuzzRequest {
  index: number;
  dimension: Dimension;
  cell: string;
  route: string;
  method: string;
  /** Absolute URL, possibly with OP_PLACEHOLDER. */
  url: string;
  /** Lower-cased names; values possibly with ETAG_PLACEHOLDER. */
  headers: Record<string, string>;
  auth: AuthKind;
  body?: string;
  access: AccessMode;
}

interface Mutation { dimension: Exclude<Dimension, "valid" | "combined">; cell: string; apply(d: Draft): void }

// --- JSON-tree helpers -----------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function clone<T>(v: T): T { return v === undefined ? v : JSON.parse(JSON.stringify(v)) as T; }

/** Every path (as keys) in a JSON tree, root included. */
function pathsOf(value: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...at, i], out));
  else if (isObj(value)) for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out);
  return out;
}

/** An own enumerable property, even for "__proto__" (which plain assignment would turn into a prototype change). */
function defineOwn(target: Obj | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function setAt(root: { value: unknown }, path: (string | number)[], value: unknown, create = false): void {
  if (path.length === 0) { root.value = value; return; }
  let node: unknown = root.value;
  if (create && !isObj(node) && !Array.isArray(node)) { root.value = {}; node = root.value; }
  for (const key of path.slice(0, -1)) {
    let next = (node as Obj)[key as string];
    if (next === undefined || next === null || typeof next !== "object") {
      if (!create) return;
      next = {};
      defineOwn(node as Obj, key, next);
    }
    node = next;
  }
  if (typeof node === "object" && node !== null) defineOwn(node as Obj, path.at(-1)!, value);
}

function removeAt(root: { value: unknown }, path: (string | number)[]): void {
  if (path.length === 0) { root.value = undefined; return; }
  let node: unknown = root.value;
  for (const key of path.slice(0, -1)) {
    node = (node as Obj)?.[key as string];
    if (typeof node !== "object" || node === null) return;
  }
  if (Array.isArray(node)) node.splice(Number(path.at(-1)), 1);
  else delete (node as Obj)[path.at(-1) as string];
}

/** A placeholder string that `bodyText` replaces by raw JSON text (deep nesting, duplicate keys: what JSON.stringify cannot write). */
const rawMarker = (i: number) => `\u0001RAW${i}\u0001`;

export function bodyText(body: Body | { text: string } | undefined): string | undefined {
  if (body === undefined) return undefined;
  if ("text" in body) return body.text;
  if (body.value === undefined) return undefined;
  let text = JSON.stringify(body.value);
  body.raws.forEach((raw, i) => { text = text.replace(JSON.stringify(rawMarker(i)), raw); });
  return text;
}

function bodyOf(d: Draft): Body {
  if (!d.body || "text" in d.body) d.body = { value: d.body && "text" in d.body ? undefined : {}, raws: [] };
  return d.body;
}

// --- body mutations --------------------------------------------------------------------------------------------------

const pathPick = fc.nat();
const bodyMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ at: pathPick, value: anyJson }).map(({ at, value }): Mutation => ({
    dimension: "body", cell: "wrongTypeAtProperty",
    apply(d) { const b = bodyOf(d); const paths = pathsOf(b.value); setAt(b, paths[at % paths.length]!, value); },
  })),
  fc.record({ schema: fc.nat(), value: anyJson }).map(({ schema, value }): Mutation => ({
    dimension: "body", cell: "anyValueAtSchemaProperty",
    apply(d) { const b = bodyOf(d); setAt(b, SCHEMA_PATHS[schema % SCHEMA_PATHS.length]!.split("."), value, true); },
  })),
  pathPick.map((at): Mutation => ({
    dimension: "body", cell: "removeProperty",
    apply(d) { const b = bodyOf(d); const paths = pathsOf(b.value); removeAt(b, paths[at % paths.length]!); },
  })),
  fc.record({ at: pathPick, value: specialString }).map(({ at, value }): Mutation => ({
    dimension: "body", cell: "specialStringAtProperty",
    apply(d) { const b = bodyOf(d); const paths = pathsOf(b.value); setAt(b, paths[at % paths.length]!, value); },
  })),
  fc.record({ at: pathPick, key: fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__"), specialString),
    value: anyJson }).map(({ at, key, value }): Mutation => ({
    dimension: "body", cell: ["__proto__", "constructor", "prototype"].includes(key) ? "prototypeKey" : "unknownKey",
    apply(d) {
      const b = bodyOf(d);
      const objects = pathsOf(b.value).filter((p) => isObj(p.reduce<unknown>((n, k) => (n as Obj)[k as string], b.value)));
      const path = objects[at % Math.max(1, objects.length)] ?? [];
      setAt(b, [...path, key], value, true);
    },
  })),
  fc.record({ at: pathPick, depth: fc.integer({ min: 50, max: 20_000 }), array: fc.boolean() }).map(({ at, depth, array }): Mutation => ({
    dimension: "body", cell: "deepNesting",
    apply(d) {
      const b = bodyOf(d);
      const paths = pathsOf(b.value);
      b.raws.push(array ? "[".repeat(depth) + "]".repeat(depth) : "{\"a\":".repeat(depth) + "1" + "}".repeat(depth));
      setAt(b, paths[at % paths.length]!, rawMarker(b.raws.length - 1));
    },
  })),
  fc.record({ key: fc.constantFrom("authType", "type", "id", "properties", "targetService", "authInfo", "actionName", "value"), value: anyJson })
    .map(({ key, value }): Mutation => ({
      dimension: "body", cell: "duplicateKey",
      apply(d) {
        // {"key": <valid>, ..., "key": <other>}: JSON.parse keeps the last one; any checker that reads the first disagrees.
        const b = bodyOf(d);
        const holder = pathsOf(b.value).map((p) => p.reduce<unknown>((n, k) => (n as Obj)[k as string], b.value)).find((n) => isObj(n) && key in n) as Obj | undefined;
        if (!holder) return;
        b.raws.push(`${JSON.stringify(holder[key])},${JSON.stringify(key)}:${JSON.stringify(value ?? null)}`);
        holder[key] = rawMarker(b.raws.length - 1);
      },
    })),
  fc.oneof(
    fc.record({ cut: fc.nat() }).map(({ cut }) => ({ cell: "truncatedJson", f: (t: string) => t.slice(0, cut % Math.max(1, t.length)) })),
    fc.constantFrom(
      { cell: "nonObjectJson", f: () => "[]" }, { cell: "nonObjectJson", f: () => "42" }, { cell: "nonObjectJson", f: () => "\"properties\"" },
      { cell: "nonObjectJson", f: () => "null" }, { cell: "nonObjectJson", f: () => "true" },
      { cell: "emptyBody", f: () => "" }, { cell: "emptyBody", f: () => "   \n\t" },
      { cell: "byteOrderMark", f: (t: string) => "\ufeff" + t },
      { cell: "trailingGarbage", f: (t: string) => t + "}" }, { cell: "trailingGarbage", f: (t: string) => t + "\u0000" },
      { cell: "notJson", f: (t: string) => t.replace(/"/g, "'") }, { cell: "notJson", f: () => "{properties: {}}" },
      { cell: "notJson", f: () => "{\"a\": NaN}" }, { cell: "notJson", f: () => "<xml/>" }, { cell: "notJson", f: () => "/* c */ {}" },
      { cell: "loneSurrogateEscape", f: (t: string) => t.replace(/"dotnet"|"AzureResource"|"createOrUpdate"/, "\"\\ud800\"") },
    ),
  ).map(({ cell, f }): Mutation => ({
    dimension: "body", cell,
    apply(d) { d.body = { text: f(bodyText(d.body) ?? "{}") }; },
  })),
  specialString.map((text): Mutation => ({
    dimension: "body", cell: "arbitraryText",
    apply(d) { d.body = { text }; },
  })),
  fc.constant<Mutation>({
    dimension: "body", cell: "bodyOnBodylessRoute",
    apply(d) { if (d.route.body === "none") d.body = { value: { properties: clone(LINKER_TEMPLATES[0]) }, raws: [] }; else d.body = undefined; },
  }),
);

// --- resource ids and names ------------------------------------------------------------------------------------------

/** One named way of breaking a path segment (a name, or one segment of a resource id). */
const segmentMutation: fc.Arbitrary<{ cell: string; f: (s: string) => string }> = fc.oneof(
  fc.array(fc.boolean(), { minLength: 1, maxLength: 64 }).map((bits) => ({
    cell: "casing", f: (s: string) => [...s].map((c, i) => (bits[i % bits.length] ? c.toUpperCase() : c.toLowerCase())).join(""),
  })),
  fc.constantFrom(".", "..", "../x", "x/..", "./x", "%2e%2e", "%2E", ".%2e").map((v) => ({ cell: "dotSegments", f: () => v })),
  fc.record({ at: fc.nat(), lower: fc.boolean() }).map(({ at, lower }) => ({
    cell: "percentEncoded", f: (s: string) => {
      const i = at % Math.max(1, s.length);
      const hex = Buffer.from(s[i] ?? "a", "utf8").toString("hex").replace(/../g, "%$&");
      return s.slice(0, i) + (lower ? hex.toLowerCase() : hex.toUpperCase()) + s.slice(i + 1);
    },
  })),
  fc.constantFrom("%2F", "%5C", "%23", "%3F", "%2f%2e%2e%2f", "%252F", "%25", "%", "%z", "%zz", "%C0%AF", "%FF", "%00", "%E2%82", "%ED%A0%80")
    .map((v) => ({ cell: "encodedDelimiters", f: (s: string) => s + v })),
  fc.constantFrom(...["'", "!", "!2F", "#", "?", "\\", "|", "*", "<", ">", ":", "&", "~", "(", ")", "$", "@", "=", "+", ",", ";", ...CONTROL])
    .map((c) => ({ cell: "tableKeyCharacters", f: (s: string) => s + c })),
  fc.string({ unit: "binary", minLength: 1, maxLength: 20 }).map((u) => ({ cell: "unicode", f: (s: string) => s + u })),
  fc.record({ n: fc.constantFrom(90, 259, 260, 261, 341, 342, 512, 1023, 1024, 1025, 2048, 8192), c: fc.constantFrom("a", "é", "€", "\ud83d\ude00", "!") })
    .map(({ n, c }) => ({ cell: "lengthLimits", f: () => c.repeat(n) })),
  fc.constantFrom("", " ", "x ", " x", "%20", "x.", "x%2E", "\t").map((v) => ({ cell: "emptyOrWhitespace", f: () => v })),
);

function splitId(id: string): string[] { return id.split("/"); }

const resourceIdMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ seg: fc.nat(), m: segmentMutation }).map(({ seg, m }): Mutation => ({
    dimension: "resourceId", cell: `source/${m.cell}`,
    apply(d) {
      const key = d.route.scope === "resourceGroup" ? "resourceGroup" : "source";
      const parts = splitId(d[key]);
      const i = 1 + (seg % (parts.length - 1));
      parts[i] = m.f(parts[i]!);
      d[key] = parts.join("/");
    },
  })) },
  { weight: 1, arbitrary: segmentMutation.map((m): Mutation => ({
    dimension: "resourceId", cell: `location/${m.cell}`, apply(d) { d.location = m.f(d.location); },
  })) },
  { weight: 3, arbitrary: fc.constantFrom(
    ["source/structure", "/providers/Microsoft.Web/sites/app1"], ["source/structure", `/subscriptions/${SUB}`], ["source/structure", `${RG}`],
    ["source/structure", `${RG}/providers/Microsoft.Web`], ["source/structure", `${RG}/providers/Microsoft.Web/sites`],
    ["source/structure", `/subscriptions/${SUB}/resourceGroups//providers/Microsoft.Web/sites/app1`],
    ["source/structure", `${RG}/providers/Microsoft.Web/sites/app1/providers/Microsoft.Web/sites/app2`],
    ["source/structure", `${RG}/providers/Microsoft.Web/sites/app1/config/appsettings`],
    ["source/structure", `/subscriptions/not-a-guid/resourceGroups/rg/providers/Microsoft.Web/sites/app1`],
    ["source/structure", `/SUBSCRIPTIONS/${SUB.toUpperCase()}/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.WEB/SITES/APP1`],
    ["source/structure", `/tenants/t/providers/Microsoft.Web/sites/app1`],
    ["source/structure", `${RG}/providers/Microsoft.Storage/storageAccounts/sa1`],
    ["source/structure", `${RG}/providers/Microsoft.ServiceLinker/linkers/x`],
  ).map(([cell, id]): Mutation => ({ dimension: "resourceId", cell: cell!, apply(d) { d.source = id!; } })) },
  { weight: 4, arbitrary: fc.record({ field: fc.constantFrom("properties.targetService.id", "properties.secretStore.keyVaultId",
    "properties.configurationInfo.configurationStore.appConfigurationId", "properties.parameters.targetService.id", "appIds.0", "properties.authInfo.subscriptionId"),
  seg: fc.nat(), m: segmentMutation }).map(({ field, seg, m }): Mutation => ({
    dimension: "resourceId", cell: `bodyId/${m.cell}`,
    apply(d) {
      const b = bodyOf(d);
      const path = field.split(".").map((k) => (/^\d+$/.test(k) ? Number(k) : k));
      const current = path.reduce<unknown>((n, k) => (n as Obj | undefined)?.[k as string], b.value);
      const base = typeof current === "string" ? current : TARGET.blob;
      const parts = splitId(base);
      const i = 1 + (seg % Math.max(1, parts.length - 1));
      parts[i] = m.f(parts[i] ?? "");
      setAt(b, path, parts.join("/"), true);
    },
  })) },
);

const nameMutation: fc.Arbitrary<Mutation> = fc.oneof(
  segmentMutation.map((m): Mutation => ({ dimension: "name", cell: m.cell, apply(d) { d.name = m.f(d.name); } })),
  fc.constantFrom("CON", "aux", "-", "_", "a".repeat(260), "a b", "a%20b", "名前", "\ud83d\ude00", "a.b.c", "...", "linkers", "validateLinker")
    .map((v): Mutation => ({ dimension: "name", cell: "oddButPlausible", apply(d) { d.name = v; } })),
);

// --- query and api-version -------------------------------------------------------------------------------------------

const queryMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom("0", "-1", "1.5", "1e3", "99999999999999999999", "NaN", "", " 5", "0x10", "Infinity", "2", "1001", "%")
    .map((v): Mutation => ({ dimension: "query", cell: "$top", apply(d) { d.query.push(["$top", v]); } })),
  fc.oneof(specialString, fc.base64String({ maxLength: 200 }),
    fc.constantFrom("o5", "o99999", "o-1", "o1e3", "cn1:5", Buffer.from("cn1:-1").toString("base64url"), Buffer.from("cn1:1e400").toString("base64url"),
      Buffer.from(JSON.stringify({ nextPartitionKey: "x'", nextRowKey: "%" })).toString("base64"),
      Buffer.from(JSON.stringify({ nextPartitionKey: "!2F", nextRowKey: "" })).toString("base64")))
    .map((v): Mutation => ({ dimension: "query", cell: "$skipToken", apply(d) { d.query.push(["$skipToken", v]); } })),
  fc.oneof(specialString, fc.constantFrom("targetService eq", "(", "targetService eq 'x' or 1 eq 1", "clientType eq 'dotnet' and and",
    "authType ne 'secret'", "TARGETSERVICE EQ 'AZURERESOURCE'", "targetService eq ''''", "targetService eq 'a' and targetService eq 'b'"))
    .map((v): Mutation => ({ dimension: "query", cell: "$filter", apply(d) { d.query.push(["$filter", v]); } })),
  fc.tuple(specialString, specialString).map(([k, v]): Mutation => ({ dimension: "query", cell: "unknownParameter", apply(d) { d.query.push([k, v]); } })),
  fc.constantFrom("&&&", "=", "==", "&=&", "%", "%zz=1", "a=%ZZ", "$top", "$top=", "?", "#", "a=1&a=2&a=3", ";", "%00=%00")
    .map((v): Mutation => ({ dimension: "query", cell: "rawQuery", apply(d) { d.rawQuery = v; } })),
  fc.integer({ min: 1_000, max: 100_000 }).map((n): Mutation => ({ dimension: "query", cell: "hugeQuery", apply(d) { d.query.push(["x", "y".repeat(n)]); } })),
);

const apiVersionMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ dimension: "apiVersion", cell: "missing", apply(d) { d.query = d.query.filter(([k]) => k !== "api-version"); } }),
  fc.oneof(specialString, fc.constantFrom("", " ", "2021-11-01-preview", "2024-04-01 ", " 2024-04-01", "2024-4-1", "2024-04-01,2022-05-01",
    "2022-11-01-PREVIEW", "2024-04-01-preview", "latest", "2024-04-01\u0000", "２０２４-04-01", "9999-99-99"))
    .map((v): Mutation => ({ dimension: "apiVersion", cell: "value", apply(d) { d.query = d.query.map(([k, x]) => [k, k === "api-version" ? v : x]); } })),
  fc.boolean().map((first): Mutation => ({
    dimension: "apiVersion", cell: "duplicate",
    apply(d) { d.query = first ? [["api-version", "2019-01-01"], ...d.query] : [...d.query, ["api-version", "bad"]]; },
  })),
  fc.constantFrom("API-VERSION", "Api-Version", "api_version", "apiversion", "api-version ", "api%2Dversion")
    .map((k): Mutation => ({ dimension: "apiVersion", cell: "keyVariant", apply(d) { d.query = d.query.map(([x, v]) => [x === "api-version" ? k : x, v]); } })),
);

// --- headers and auth ------------------------------------------------------------------------------------------------

/** Header values as an HTTP parser delivers them: visible ASCII, space, tab, obs-text. */
const headerValue = fc.oneof(
  fc.string({ unit: fc.constantFrom(..."abcXYZ019 -_.:/*\"'\\,;=()<>@[]{}?!#$%&+^`|~\t\u00a0\u00e9\u00ff".split("")), maxLength: 60 }),
  fc.constantFrom("", " ", "*", "W/\"x\"", "\"\"", "null", "undefined"),
  fc.integer({ min: 1_000, max: 20_000 }).map((n) => "v".repeat(n)),
);

const headerMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constantFrom(...AUTH_KINDS.filter((k) => k !== "valid" && k !== "lowercaseScheme" && k !== "extraSpaces"), "lowercaseScheme", "extraSpaces")
    .map((auth): Mutation => ({ dimension: "headers", cell: `authorization/${auth}`, apply(d) { d.auth = auth as AuthKind; } })),
  fc.oneof(headerValue, fc.constant(ETAG_PLACEHOLDER), fc.constant(`W/${ETAG_PLACEHOLDER}`))
    .map((v): Mutation => ({ dimension: "headers", cell: "if-match", apply(d) { d.headers["if-match"] = v; } })),
  fc.oneof(headerValue, fc.constant("*"), fc.constant(ETAG_PLACEHOLDER))
    .map((v): Mutation => ({ dimension: "headers", cell: "if-none-match", apply(d) { d.headers["if-none-match"] = v; } })),
  fc.oneof(headerValue, fc.constantFrom("not a url", "http://evil.example/x", "javascript:alert(1)", "data:text/plain,x", "https://h:99999/", "https://[::1]/",
    "file:///etc/passwd", "https://user:pw@host/", "//host/path", "https://linkwright.test/" + "a".repeat(10_000)))
    .map((v): Mutation => ({ dimension: "headers", cell: "referer", apply(d) { d.headers["referer"] = v; } })),
  fc.record({ name: fc.constantFrom("x-ms-client-request-id", "x-ms-correlation-request-id"), v: headerValue })
    .map(({ name, v }): Mutation => ({ dimension: "headers", cell: name, apply(d) { d.headers[name] = v; } })),
  fc.oneof(headerValue, fc.constantFrom("text/plain", "application/xml", "application/json; charset=utf-16", "multipart/form-data; boundary=x"))
    .map((v): Mutation => ({ dimension: "headers", cell: "content-type", apply(d) { d.headers["content-type"] = v; } })),
  fc.dictionary(fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz-0123456789".split("")), minLength: 1, maxLength: 20 }), headerValue, { maxKeys: 5 })
    .map((extra): Mutation => ({ dimension: "headers", cell: "extraHeaders", apply(d) { Object.assign(d.headers, extra); } })),
);

const methodMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>({ dimension: "method", cell: "lowercase", apply(d) { d.method = d.method.toLowerCase(); } }),
  fc.constantFrom("HEAD", "OPTIONS", "TRACE", "CONNECT", "PROPFIND", "MERGE", "", "GET ", "G\u0000ET", "x".repeat(1000), "PUT", "POST", "DELETE", "PATCH", "GET")
    .map((m): Mutation => ({ dimension: "method", cell: "other", apply(d) { d.method = m; } })),
);

// --- paths -----------------------------------------------------------------------------------------------------------

const pathMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.array(fc.boolean(), { minLength: 1, maxLength: 40 }).map((bits): Mutation => ({
    dimension: "path", cell: "providerCasing",
    apply(d) { d.provider = [...d.provider].map((c, i) => (bits[i % bits.length] ? c.toUpperCase() : c.toLowerCase())).join(""); },
  })),
  fc.constantFrom<[string, (p: string) => string]>(
    ["leadingDoubleSlash", (p) => "/" + p], ["trailingSlash", (p) => p + "/"], ["manySlashes", (p) => p.replace(/\//g, "///")],
    ["dotSegments", (p) => p.replace("/providers/", "/./providers/")], ["dotSegments", (p) => p.replace("/providers/", "/x/../providers/")],
    ["dotSegments", (p) => p + "/.."], ["dotSegments", (p) => p + "/%2e%2e"],
    ["encodedSlashes", (p) => p.replace(/\/providers\/Microsoft\.ServiceLinker\//i, "/providers%2FMicrosoft.ServiceLinker%2F")],
    ["duplicateProvider", (p) => p.replace(/(\/providers\/Microsoft\.ServiceLinker\/)/i, "$1linkers/x$1")],
    ["extraSegments", (p) => p + "/extra/segments"], ["truncated", (p) => p.slice(0, p.lastIndexOf("/"))],
    ["truncated", (p) => p.slice(0, p.toLowerCase().indexOf("/providers/microsoft.servicelinker/") + 1)],
    ["fragment", (p) => p + "#frag"], ["encodedQuestionMark", (p) => p + "%3Fapi-version=2024-04-01"],
    ["noLeadingSlash", (p) => p.replace(/^\/+/, "")],
  ).map(([cell, f]): Mutation => ({ dimension: "path", cell, apply(d) { d.path = f(pathOf(d)); } })),
  specialString.map((s): Mutation => ({ dimension: "path", cell: "arbitraryPath", apply(d) { d.path = "/" + s; } })),
  fc.integer({ min: 2_000, max: 100_000 }).map((n): Mutation => ({ dimension: "path", cell: "hugePath", apply(d) { d.path = pathOf(d) + "/" + "p".repeat(n); } })),
  fc.constant<Mutation>({ dimension: "path", cell: "unencodedCharacters", apply(d) { d.pathRaw = true; } }),
);

const accessMutation: fc.Arbitrary<Mutation> = fc.constantFrom<AccessMode>("deny", "denySome")
  .map((mode): Mutation => ({ dimension: "access", cell: mode, apply(d) { d.access = mode; } }));

const anyMutation: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 30, arbitrary: bodyMutation }, { weight: 14, arbitrary: resourceIdMutation }, { weight: 12, arbitrary: nameMutation },
  { weight: 8, arbitrary: queryMutation }, { weight: 7, arbitrary: apiVersionMutation }, { weight: 12, arbitrary: headerMutation },
  { weight: 3, arbitrary: methodMutation }, { weight: 8, arbitrary: pathMutation }, { weight: 6, arbitrary: accessMutation },
);

// ---------------------------------------------------------------------------------------------------------------------
// Assembly.

function validBody(route: Route, template: number, sub: number): Body | undefined {
  const props = clone(LINKER_TEMPLATES[template % LINKER_TEMPLATES.length]!);
  const connector = clone(CONNECTOR_TEMPLATES[template % CONNECTOR_TEMPLATES.length]!);
  switch (route.body) {
    case "linker": return { value: { properties: props }, raws: [] };
    case "patch": {
      const keys = Object.keys(props).filter((_, i) => (sub >> i) & 1);
      return { value: { properties: Object.fromEntries(keys.map((k) => [k, props[k]])) }, raws: [] };
    }
    case "dryrun": return { value: { properties: { parameters: { actionName: "createOrUpdate", ...props } } }, raws: [] };
    case "connector": return { value: { properties: connector }, raws: [] };
    case "connectorPatch": return { value: { properties: Object.fromEntries(Object.keys(connector).filter((_, i) => (sub >> i) & 1).map((k) => [k, connector[k]])) }, raws: [] };
    case "connectorDryrun": return { value: { properties: { parameters: { actionName: "createOrUpdate", ...connector } } }, raws: [] };
    case "configurationInfo": return sub % 3 === 0 ? undefined : { value: props["configurationInfo"] ?? { customizedKeys: { A: "B" } }, raws: [] };
    case "detectLoops": return sub % 2 === 0 ? undefined : { value: { appIds: [SOURCES[sub % 2]] }, raws: [] };
    case "none": return undefined;
  }
}

function pathOf(d: Draft): string {
  if (d.path !== undefined) return d.path;
  const tail = d.route.tail.map((s) => (s === NAME ? d.name : s === LOCATION ? d.location : s)).join("/");
  const scope = { source: d.source, resourceGroup: d.resourceGroup, subscription: `/subscriptions/${SUB}`, none: "" }[d.route.scope];
  return `${scope}${d.provider}${tail}`;
}

/** Percent-encodes what a URL parser would (keeping '%' so intended encodings survive), or nothing when `raw`. */
function urlPath(path: string, raw: boolean): string {
  if (raw) return path;
  let out = "";
  for (const ch of path) {
    out += /[A-Za-z0-9\-._~!$&'()*+,;=:@/%]/.test(ch) ? ch : [...Buffer.from(ch, "utf8")].map((b) => "%" + b.toString(16).toUpperCase().padStart(2, "0")).join("");
  }
  return out;
}

function queryString(d: Draft): string {
  if (d.rawQuery !== undefined) return d.rawQuery;
  // URLSearchParams encodes lone surrogates as U+FFFD, as a browser or the host would.
  return new URLSearchParams(d.query).toString();
}

export const BASE_URL = "https://linkwright.test";

function assemble(index: number, dimension: Dimension, cell: string, d: Draft): FuzzRequest {
  const q = queryString(d);
  const body = bodyText(d.body);
  return {
    index, dimension, cell, route: d.route.name, method: d.method,
    url: `${BASE_URL}${urlPath(pathOf(d), Boolean(d.pathRaw))}${q ? `?${q}` : ""}`,
    headers: { ...(body !== undefined && !d.headers["content-type"] ? { "content-type": "application/json" } : {}), ...d.headers },
    auth: d.auth, access: d.access,
    ...(body !== undefined ? { body } : {}),
  };
}

const routeArb = fc.oneof(...ROUTES.map((r) => ({ weight: r.weight, arbitrary: fc.constant(r) })));

const plan = fc.record({
  route: routeArb,
  source: fc.nat({ max: (SOURCES.length - 1) * 10 - 1 }),
  name: fc.nat({ max: NAMES.length - 1 }),
  template: fc.nat({ max: LINKER_TEMPLATES.length - 1 }),
  sub: fc.nat({ max: 255 }),
  apiVersion: fc.constantFrom(...API_VERSIONS),
  kind: fc.oneof({ weight: 15, arbitrary: fc.constant("valid" as const) }, { weight: 80, arbitrary: fc.constant("one" as const) },
    { weight: 5, arbitrary: fc.constant("combined" as const) }),
  mutations: fc.array(anyMutation, { minLength: 2, maxLength: 3 }),
});

type Plan = typeof plan extends fc.Arbitrary<infer T> ? T : never;

/** The valid request of a plan, with its mutations applied. */
function build(index: number, p: Plan): FuzzRequest {
  // The unsupported source (the last of the pool) one time in ten.
  const supported = SOURCES.length - 1;
  const source = SOURCES[p.source >= supported * 9 ? supported : p.source % supported]!;
  const d: Draft = {
    route: p.route, method: p.route.method, source, resourceGroup: `/subscriptions/${SUB}/resourceGroups/rg`, location: "westus",
    name: NAMES[p.name]!, provider: "/providers/Microsoft.ServiceLinker/",
    query: [["api-version", p.apiVersion], ...(p.route.query ?? [])], headers: {}, auth: "valid", access: "grant",
  };
  const body = validBody(p.route, p.template, p.sub);
  if (body) d.body = body;
  if (p.kind === "valid") return assemble(index, "valid", p.route.name, d);
  const chosen = p.kind === "one" ? p.mutations.slice(0, 1) : p.mutations;
  for (const m of chosen) m.apply(d);
  return p.kind === "one"
    ? assemble(index, chosen[0]!.dimension, chosen[0]!.cell, d)
    : assemble(index, "combined", chosen.map((m) => m.dimension).sort().join("+"), d);
}

/** `count` requests drawn from `seed`, numbered from `firstIndex`. */
export function sampleRequests(seed: number, count: number, firstIndex = 0): FuzzRequest[] {
  return fc.sample(plan, { seed, numRuns: count }).map((p, i) => build(firstIndex + i, p));
}
