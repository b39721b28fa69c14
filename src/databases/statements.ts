// The exact statements that give an Entra principal a database user, rendered from the catalogue's data-plane
// grant templates (src/catalogue/{sql,postgres,mysql}.ts, targets.md §5b) with every placeholder quoted for the
// context the template puts it in: "<x>" is an identifier, '<x>' a string literal, `<x>` a MySQL identifier.
// Also the statement that tells whether the user exists, and the ones that remove it again (compensation, only for a
// user the step created). The create statements never drop: a user of that name is never replaced.
import { dataPlaneGrant } from "../catalogue/grants.js";
import { ENGINES } from "./engines.js";
import { type DatabaseEngine } from "../model/steps.js";
import { quoteIdentifier, quoteLiteral, UnsafeValueError } from "./quoting.js";
import type { PrincipalType } from "../model/steps.js";

export interface DatabaseUserSpec {
  engine: DatabaseEngine;
  /** The database the user is for (the target database). */
  databaseName: string;
  /** The database user mapped to the principal (SQL: the identity's name; PostgreSQL/MySQL: aad_<connection>). */
  userName: string;
  /** Entra object (principal) id. */
  objectId: string;
  /** Entra client (application) id; MySQL's CREATE AADUSER of a service principal needs it. */
  clientId?: string;
  principalType: PrincipalType;
}

export interface DatabaseUserStatements {
  /** The database the session connects to (PostgreSQL: `postgres`, where the pgaadauth functions live). */
  connectDatabase: string;
  /** Token scope of the admin's login. */
  tokenScope: string;
  /** The catalogue's prerequisite text (Entra admin, Entra authentication on the server). */
  prerequisite: string;
  /** Creates the user and grants its access, in order (createUser then grant). Never drops anything: a user of that
   *  name that exists already makes createUser fail, it is not replaced. */
  create: string[];
  /** The statements up to and including the one that creates the user (session settings before it): when they
   *  succeed, the user is one this run created. */
  createUser: string[];
  /** The rest of create: the grants. */
  grant: string[];
  /** Removes what `create` made (compensation), in order. */
  drop: string[];
  /** A query returning one row when the user exists, none otherwise. */
  exists: string;
}

export class StatementsError extends Error {
  readonly code = "BadRequest";
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The statement of each engine that creates the user. */
const CREATES_USER = /^\s*(CREATE\s+(AAD)?USER\b|select\s+\*\s+from\s+pgaadauth_create_principal)/i;
const PLACEHOLDER = /(["'`])<(\w+)>\1|<(\w+)>/g;

/** PostgreSQL's pgaadauth principal type: 'service' for managed identities and service principals. */
function pgPrincipalType(t: PrincipalType): string {
  return t === "User" ? "user" : t === "Group" ? "group" : "service";
}

function placeholderValues(spec: DatabaseUserSpec): Record<string, string | undefined> {
  return {
    u: spec.userName,
    db: spec.databaseName,
    objectId: spec.objectId,
    clientId: spec.clientId,
    principalType: pgPrincipalType(spec.principalType),
    // CREATE AADUSER is identified by the client id of an application, the object id of a user or group (§5b).
    identifiedBy: spec.principalType === "ServicePrincipal" ? spec.clientId : spec.objectId,
  };
}

function validate(spec: DatabaseUserSpec): void {
  const max = ENGINES[spec.engine].maxUserNameLength;
  if (!spec.userName) throw new StatementsError("The database user name is empty.");
  if (spec.userName.length > max) throw new StatementsError(`The database user name '${spec.userName}' is longer than ${max} characters (${spec.engine}).`);
  if (!spec.databaseName) throw new StatementsError("The database name is empty.");
  if (!GUID.test(spec.objectId)) throw new StatementsError(`The principal object id '${spec.objectId}' is not a GUID.`);
  if (spec.clientId !== undefined && !GUID.test(spec.clientId)) throw new StatementsError(`The principal client id '${spec.clientId}' is not a GUID.`);
}

/** One template with its placeholders quoted per context; a bare (unquoted) placeholder is refused. */
export function renderTemplate(engine: DatabaseEngine, template: string, values: Record<string, string | undefined>): string {
  return template.replace(PLACEHOLDER, (_m, quote: string | undefined, quoted: string | undefined, bare: string | undefined) => {
    const name = (quoted ?? bare)!;
    if (!(name in values)) throw new StatementsError(`Unknown placeholder <${name}> in '${template}'.`);
    const value = values[name];
    if (value === undefined) throw new StatementsError(`'${template}' needs <${name}>, which is not known for this principal.`);
    if (!quote) throw new StatementsError(`Placeholder <${name}> is not quoted in '${template}'.`);
    try {
      return quote === "'" ? quoteLiteral(engine, value) : quoteIdentifier(engine, value);
    } catch (e) {
      if (e instanceof UnsafeValueError) throw new StatementsError(`<${name}>: ${e.message}`);
      throw e;
    }
  });
}

/** SQL: the user is bound to the principal by object id, not by display name (which need not be unique in Entra). */
function sqlCreateWithObjectId(template: string): string {
  return /OBJECT_ID/i.test(template) ? template : template.replace(/FROM EXTERNAL PROVIDER(?=\s*;?\s*$)/i, "FROM EXTERNAL PROVIDER WITH OBJECT_ID = '<objectId>'");
}

export function databaseUserStatements(spec: DatabaseUserSpec): DatabaseUserStatements {
  validate(spec);
  const grant = dataPlaneGrant(ENGINES[spec.engine].targetKind);
  if (!grant || grant.engine !== spec.engine) throw new StatementsError(`The catalogue has no ${spec.engine} data-plane grant.`);
  const values = placeholderValues(spec);
  const render = (t: string) => renderTemplate(spec.engine, t, values);
  const templates = spec.engine === "sql" ? grant.statements.map(sqlCreateWithObjectId) : grant.statements;
  const create = templates.map(render);
  if (create.some((s) => /^\s*DROP\b/i.test(s))) throw new StatementsError("The catalogue's create statements must not drop anything.");
  const creating = create.findIndex((s) => CREATES_USER.test(s));
  if (creating < 0) throw new StatementsError(`The catalogue's ${spec.engine} statements create no user.`);
  const u = values.u!;
  let drop: string[];
  let exists: string;
  switch (spec.engine) {
    case "sql":
      drop = [`DROP USER IF EXISTS ${quoteIdentifier("sql", u)};`];
      exists = `SELECT 1 AS present FROM sys.database_principals WHERE name = ${quoteLiteral("sql", u)};`;
      break;
    case "postgresql":
      // Each GRANT revoked, then the role dropped; a role that meanwhile owns objects makes DROP ROLE fail (kept, not dropped).
      drop = [
        ...grant.statements.filter((t) => /^GRANT\s/i.test(t)).map((t) => render(t.replace(/^GRANT\s+(.*)\s+TO\s+(.*?);?\s*$/i, "REVOKE $1 FROM $2;"))),
        `DROP ROLE IF EXISTS ${quoteIdentifier("postgresql", u)};`,
      ];
      exists = `SELECT 1 AS present FROM pg_roles WHERE rolname = ${quoteLiteral("postgresql", u)};`;
      break;
    case "mysql":
      drop = [`DROP USER IF EXISTS ${quoteLiteral("mysql", u)}@'%';`];
      exists = `SELECT 1 AS present FROM mysql.user WHERE user = ${quoteLiteral("mysql", u)} AND host = '%';`;
      break;
  }
  return {
    connectDatabase: grant.connectDatabase === "<db>" ? spec.databaseName : grant.connectDatabase,
    tokenScope: ENGINES[spec.engine].tokenScope,
    prerequisite: grant.prerequisite,
    create,
    createUser: create.slice(0, creating + 1),
    grant: create.slice(creating + 1),
    drop,
    exists,
  };
}
