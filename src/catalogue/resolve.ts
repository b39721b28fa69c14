// Target id → kind and parsed parts; roles and their scope.
import { fillTemplate, factsFromParts, matchTemplate } from "./ids.js";
import { REGISTRY } from "./registry.js";
import type { CatalogueError, RoleDefinition, TargetFacts, TargetKind } from "./types.js";

export interface ResolvedTarget {
  kind: TargetKind;
  armType: string;
  /** The id as given. */
  id: string;
  /** Placeholders parsed from the id: subscriptionId, resourceGroup, resourceName, databaseName, graphName. */
  parts: Record<string, string>;
  /** Facts known from the id alone. */
  facts: TargetFacts;
  /** The top-level resource whose GET yields the remaining facts (account, vault, server, namespace). */
  resourceId?: string;
  /** Where default roles are assigned; undefined when the target takes no RBAC role. */
  roleScope?: string;
}

/** A wire-format targetService: `{type:"AzureResource", id}` or `{type:"ConfluentBootstrapServer", endpoint}`. */
export interface TargetServiceRef {
  type: string;
  id?: string | null;
  endpoint?: string | null;
}

const DEPRECATED: { pattern: RegExp; message: string }[] = [
  {
    pattern: /\/providers\/Microsoft\.DBforPostgreSQL\/servers\//i,
    message: "Azure Database for PostgreSQL single server is deprecated; use a flexible server (postgres-flexible)",
  },
  {
    pattern: /\/providers\/Microsoft\.DBforMySQL\/servers\//i,
    message: "Azure Database for MySQL single server is deprecated; use a flexible server (mysql-flexible)",
  },
];

const invalid = (message: string): CatalogueError => ({ code: "BadRequest", message, target: "properties.targetService" });

/** Matches the id against every target's patterns, case-insensitively. Also accepts a wire targetService. */
export function resolveTarget(target: string | TargetServiceRef): ResolvedTarget | CatalogueError {
  if (typeof target !== "string") {
    if (target.type === "AzureResource") {
      if (!target.id) return invalid("targetService.id is required for type AzureResource");
      return resolveTarget(target.id);
    }
    if (target.type === "ConfluentBootstrapServer") {
      if (!target.endpoint) return invalid("targetService.endpoint is required for type ConfluentBootstrapServer");
      return {
        kind: "confluent-kafka",
        armType: REGISTRY.get("confluent-kafka")?.armType ?? "ConfluentBootstrapServer",
        id: target.endpoint,
        parts: {},
        facts: { bootstrapServer: target.endpoint },
      };
    }
    return invalid(`targetService.type '${target.type}' is not supported; supported: AzureResource, ConfluentBootstrapServer`);
  }
  const id = target.trim();
  for (const d of REGISTRY.values()) {
    for (const p of d.idPatterns) {
      const parts = matchTemplate(p.template, id);
      if (!parts) continue;
      return {
        kind: d.kind,
        armType: d.armType,
        id,
        parts,
        facts: factsFromParts(parts),
        ...(d.resourceTemplate ? { resourceId: fillTemplate(d.resourceTemplate, parts) } : {}),
        ...(d.roleScopeTemplate ? { roleScope: fillTemplate(d.roleScopeTemplate, parts) } : {}),
      };
    }
  }
  for (const dep of DEPRECATED) if (dep.pattern.test(id)) return invalid(dep.message);
  return invalid(`'${id}' matches no supported target resource id; supported targets: ${[...REGISTRY.keys()].join(", ")}`);
}

/**
 * The default roles (real built-in role definition GUIDs) for identity auth. Without facts every role is listed;
 * with facts, roles that do not apply to them (e.g. another Cognitive Services account kind) are left out.
 */
export function defaultRoles(kind: TargetKind, facts?: TargetFacts): RoleDefinition[] {
  const roles = REGISTRY.get(kind)?.defaultRoles ?? [];
  return facts ? roles.filter((r) => !r.appliesTo || r.appliesTo(facts)) : [...roles];
}

/** The scope default roles are assigned at for this target id. */
export function roleScope(targetResourceId: string, kind: TargetKind): string | undefined | CatalogueError {
  const r = resolveTarget(targetResourceId);
  if ("code" in r) return r;
  if (r.kind !== kind) return invalid(`'${targetResourceId}' is a ${r.kind} id, not ${kind}`);
  return r.roleScope;
}

/** Roles a binding-aware connection needs beyond defaultRoles (a blob trigger's poison queue), with their scopes. */
export function bindingExtraRoles(targetResourceId: string): { role: RoleDefinition; scope: string }[] | CatalogueError {
  const r = resolveTarget(targetResourceId);
  if ("code" in r) return r;
  const extra = REGISTRY.get(r.kind)?.binding?.extraRoles ?? [];
  return extra.map((x) => ({ role: x.role, scope: fillTemplate(x.scopeTemplate, r.parts) }));
}
