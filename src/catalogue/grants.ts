// Database data-plane grants (§5b) rendered as the exact statements for a connection.
import { REGISTRY } from "./registry.js";
import type { CatalogueError, DataPlaneGrant, TargetKind } from "./types.js";

export interface GrantInput {
  /** Database user mapped to the Entra principal (authInfo.userName, or the kind's default from userNameTemplate). */
  userName: string;
  databaseName: string;
  /** Entra object (principal) id of the identity. */
  objectId: string;
  /** Client (application) id of the identity (MySQL `CREATE AADUSER … IDENTIFIED BY`). */
  clientId?: string;
  /** `service` for managed identities and service principals, `user` for a user account (PostgreSQL). */
  principalType: "service" | "user";
}

export interface RenderedGrant {
  prerequisite: string;
  tokenResource: string;
  connectDatabase: string;
  statements: string[];
}

/** The grant descriptor of a target kind, if it grants in the data plane. */
export function dataPlaneGrant(kind: TargetKind): DataPlaneGrant | undefined {
  return REGISTRY.get(kind)?.dataPlaneGrant;
}

/** The default database user name for a connection (`aad_<connectionName>` for PostgreSQL/MySQL). */
export function defaultDatabaseUser(kind: TargetKind, connectionName: string, identityName: string): string | undefined {
  const g = dataPlaneGrant(kind);
  if (!g) return undefined;
  return g.userNameTemplate.replace("<connectionName>", connectionName).replace("<identityName>", identityName);
}

const SAFE = /^[A-Za-z0-9_.@/-]+$/;

/** The statements with placeholders filled; refuses values that could break out of the quoting. */
export function renderGrant(kind: TargetKind, input: GrantInput): RenderedGrant | CatalogueError {
  const g = dataPlaneGrant(kind);
  if (!g) return { code: "BadRequest", message: `${kind} has no data-plane grant` };
  const values: Record<string, string | undefined> = {
    "<u>": input.userName,
    "<db>": input.databaseName,
    "<objectId>": input.objectId,
    "<clientId>": input.clientId,
    "<principalType>": input.principalType,
    "<identifiedBy>": input.principalType === "user" ? input.objectId : input.clientId,
  };
  for (const [k, v] of Object.entries(values)) {
    if (v !== undefined && !SAFE.test(v)) return { code: "BadRequest", message: `unsafe value for ${k} in ${kind} grant: '${v}'` };
  }
  const statements: string[] = [];
  for (const template of g.statements) {
    let missing: string | undefined;
    const s = template.replace(/<u>|<db>|<objectId>|<clientId>|<principalType>|<identifiedBy>/g, (ph) => {
      const v = values[ph];
      if (v === undefined) missing = ph;
      return v ?? ph;
    });
    if (missing) return { code: "BadRequest", message: `${kind} grant needs ${missing}` };
    statements.push(s);
  }
  return {
    prerequisite: g.prerequisite,
    tokenResource: g.tokenResource,
    connectDatabase: g.connectDatabase.replace("<db>", input.databaseName),
    statements,
  };
}
