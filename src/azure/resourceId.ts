// ARM resource id parsing: /subscriptions/{s}/resourceGroups/{rg}/providers/{Ns}/{type}/{name}(/{childType}/{childName})*

export interface ParsedResourceId {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  /** e.g. "Microsoft.Web" */
  namespace: string;
  /** Type segments after the namespace, e.g. ["sites", "slots"] */
  types: string[];
  /** Names matching `types`, e.g. ["app", "staging"] */
  names: string[];
  /** Full type, e.g. "Microsoft.Web/sites/slots" */
  fullType: string;
}

export function parseResourceId(id: string): ParsedResourceId | undefined {
  const parts = id.replace(/\/{2,}/g, "/").replace(/^\/|\/$/g, "").split("/");
  if (parts.length < 8 || parts.length % 2 !== 0) return undefined;
  if (parts[0]!.toLowerCase() !== "subscriptions" || parts[2]!.toLowerCase() !== "resourcegroups") return undefined;
  if (parts[4]!.toLowerCase() !== "providers") return undefined;
  const [, subscriptionId, , resourceGroup, , namespace, ...rest] = parts as string[];
  const types: string[] = [];
  const names: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    types.push(rest[i]!);
    names.push(rest[i + 1]!);
  }
  if (!subscriptionId || !resourceGroup || !namespace || names.some((n) => !n)) return undefined;
  return {
    id: "/" + parts.join("/"),
    subscriptionId,
    resourceGroup,
    namespace,
    types,
    names,
    fullType: [namespace, ...types].join("/"),
  };
}

/** Case-insensitive id equality, as ARM compares ids. */
export function sameResourceId(a: string, b: string): boolean {
  return normalizeResourceId(a) === normalizeResourceId(b);
}

export function normalizeResourceId(id: string): string {
  return foldCase(id.replace(/\/{2,}/g, "/").replace(/\/$/, ""));
}

/** The one case folding for resource ids and scopes: ASCII letters only. JavaScript's full Unicode lower-casing folds
 *  the Kelvin sign (U+212A) to "k" and the like, which would make two names ARM tells apart one name here. */
export function foldCase(value: string): string {
  return value.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

/** The subscription an ARM id or scope (or a path with a query) lies in. */
export function subscriptionOf(id: string): string | undefined {
  return /^\/*subscriptions\/([^/?]+)/i.exec(id)?.[1];
}

export function requireSubscriptionOf(id: string): string {
  const sub = subscriptionOf(id);
  if (!sub) throw new Error(`'${id}' does not lie in a subscription.`);
  return sub;
}

/** Full ARM resource id syntax: /subscriptions/{s}/resourceGroups/{rg}/providers/{Ns}/{type}/{name}(/{type}/{name})*. */
export function isResourceId(id: string): boolean {
  return parseResourceId(id) !== undefined && !/\/{2,}|\/$/.test(id);
}
