// GET /providers/Microsoft.ServiceLinker/configurationNames: the ConfigurationNameResult items from the catalogue.
import { REGISTRY } from "./registry.js";
import type { AuthType, CatalogueError, ClientType, EntrySpec } from "./types.js";

export interface ConfigurationNameItem {
  properties: {
    targetService: string;
    clientType: ClientType;
    authType: AuthType;
    /** Only for cells that carry a secret (secret, servicePrincipalSecret); EX:ConfigurationNamesList.json omits it for identities. */
    secretType?: "rawValue";
    names: { value: string; description: string; required: boolean }[];
  };
}

export interface ConfigurationNameResult {
  value: ConfigurationNameItem[];
  nextLink: null;
}

type FilterField = "targetservice" | "clienttype" | "authtype";

/**
 * Parses the OData `$filter` the API accepts: `eq` clauses on TargetService, ClientType, AuthType joined by `and`,
 * e.g. `TargetService eq 'MICROSOFT.STORAGE/STORAGEACCOUNTS/BLOBSERVICES' and ClientType eq 'python'`.
 */
export function parseNamesFilter(filter: string | undefined): Partial<Record<FilterField, string>> | CatalogueError {
  const out: Partial<Record<FilterField, string>> = {};
  if (!filter || !filter.trim()) return out;
  for (const clause of filter.split(/\s+and\s+/i)) {
    const m = /^\s*\(?\s*(\w+)\s+eq\s+'([^']*)'\s*\)?\s*$/i.exec(clause);
    const field = m?.[1]?.toLowerCase();
    if (!m || (field !== "targetservice" && field !== "clienttype" && field !== "authtype")) {
      return {
        code: "BadRequest",
        message: `unsupported $filter clause '${clause.trim()}'; use "<TargetService|ClientType|AuthType> eq '<value>'" joined by 'and'`,
        target: "$filter",
      };
    }
    out[field] = m[2]!.toLowerCase();
  }
  return out;
}

function describe(s: EntrySpec): string {
  return s.appliesToLabel ? `${s.description} (${s.appliesToLabel})` : s.description;
}

/** Every (target, client, auth) cell's default names, filtered. */
export function configurationNames(filter?: string): ConfigurationNameResult | CatalogueError {
  const f = parseNamesFilter(filter);
  if ("code" in f) return f;
  const value: ConfigurationNameItem[] = [];
  for (const d of REGISTRY.values()) {
    const targetService = d.armType.toUpperCase();
    if (f.targetservice && f.targetservice !== targetService.toLowerCase() && f.targetservice !== d.kind) continue;
    for (const clientType of d.clientTypes) {
      if (f.clienttype && f.clienttype !== clientType.toLowerCase()) continue;
      // The Azure sources' auth types, then the local connections' own (userAccount).
      for (const authType of new Set([...d.authTypes.webapp, ...d.authTypes.local])) {
        if (f.authtype && f.authtype !== authType.toLowerCase()) continue;
        const specs = d.cells[authType]?.[clientType];
        if (!specs) continue;
        value.push({
          properties: {
            targetService,
            clientType,
            authType,
            ...(specs.some((s) => s.isSecret) ? { secretType: "rawValue" as const } : {}),
            names: specs.map((s) => ({ value: s.name, description: describe(s), required: !s.appliesTo })),
          },
        });
      }
    }
  }
  return { value, nextLink: null };
}
