// Database user: an Entra principal connecting to Azure SQL / PostgreSQL flexible / MySQL flexible with identity auth
// needs a user inside the database (targets.md §5b). The statements come from the catalogue's grant templates; they
// run on the server as linkwright's own identity, which must be the server's Microsoft Entra admin. plan reports them
// (dry runs, validate); apply runs them unless the user exists; compensate drops the user apply created; verify checks
// the user exists and otherwise names the exact statements and the admin prerequisite. Never skipped silently: when a
// statement cannot run, apply fails with the statements and what is missing. A user linkwright did not create is never
// dropped: one that exists is left alone (no change, nothing recorded to undo), one that appears between the probe and
// the CREATE makes apply fail (unless the CREATE's answer was lost: then it is the user that CREATE made), and only a
// user this apply's CREATE made is dropped when a grant then fails.
// A delete keeps a user another connection of the source also applied (SQL users are per identity).
import type { TargetFacts } from "../catalogue/types.js";
import { defaultDatabaseUser } from "../catalogue/grants.js";
import { checkEntraAdmin, selfFromToken, type AdminCheck } from "../databases/admin.js";
import { ENGINES, engineOfKind } from "../databases/engines.js";
import { resolveEndpoint } from "../databases/endpoints.js";
import { createDatabaseExecutor, DatabaseStatementError, type DatabaseExecutor, type DatabaseSessionRequest } from "../databases/executor.js";
import type { DatabaseSettings } from "../config/settings.js";
import { databaseUserStatements, type DatabaseUserStatements } from "../databases/statements.js";
import { type PrincipalType } from "../model/steps.js";
import { parseResourceId } from "../azure/resourceId.js";
import type { CheckResult, Step, StepContext, StepFacts, StepOutcome, StepPlan } from "./step.js";
import type { DatabaseUserInput } from "../model/steps.js";

/** Becoming (or acting as) a database server's Microsoft Entra admin is what lets one create any database user. */
export function databaseAdminAction(serverId: string): string {
  return `${parseResourceId(serverId)?.fullType ?? ""}/administrators/write`;
}

/** What a dry run names as the statements' RBAC action. */
const NO_RBAC_ACTION = "none (SQL statements run as the server's Microsoft Entra admin)";

/** Everything about the step but what it does (the executor it does it with is chosen by createDatabaseUserStep). */
const databaseUserFacts = {
  name: "databaseUser",
  health: "verify",
  // PostgreSQL/MySQL users are per connection (aad_<connection>), SQL users per identity: the user name tells.
  key: (input) => `${String(input.targetId).toLowerCase()}|${String((input.principal as { objectId?: string } | undefined)?.objectId)}|${String(input.userName)}`,
  dependency: null,
  undo: { kind: "shared", whenObsolete: "undo", kept: "the databaseUser step's changes (used by other connections)" },

  // The user maps the principal the identity step produced.
  forPrincipal: (input, principal) => ({ input: { ...input, principal: { ...input.principal, objectId: principal.principalId } } }),

  // The change lines (a heading, then one line per statement) form one preview: its description carries them all.
  preview: (input, changes) => (changes.length
    ? [{ operationType: "configAuth", description: changes.join("\n"), action: NO_RBAC_ACTION, scope: input.targetId }]
    : []),

  requires: {
    apply: (input) => [{ scope: input.serverId, action: databaseAdminAction(input.serverId), why: "create the connection's database user (as the server's Microsoft Entra admin)" }],
    undo: (r) => [{ scope: String(r.input.serverId), action: databaseAdminAction(String(r.input.serverId)), why: "drop the connection's database user" }],
  },
} satisfies StepFacts<DatabaseUserInput, DatabaseUserPrior>;

export interface DatabaseUserPrior {
  /** apply created the user (compensation drops it). */
  created: true;
}

export class DatabaseUserError extends Error {
  constructor(readonly code: "DatabaseUserPrerequisiteNotMet" | "DatabaseUserNotCreated" | "DatabaseUserNotDropped", message: string) {
    super(message);
  }
}

export interface DatabaseUserInputArgs {
  targetKind: string;
  /** The server (top-level resource) id. */
  targetResourceId: string;
  /** The target (database) id. */
  targetId: string;
  targetFacts: TargetFacts;
  principal: { name: string; objectId: string; clientId?: string; type: PrincipalType; identityScope?: string };
  /** The connection (linker) name: PostgreSQL and MySQL users default to aad_<connectionName>. */
  connectionName?: string;
}

/** The step input for a connection's target, or undefined when the target is not a database with a data-plane grant.
 *  The user name is targetFacts.userName when given, else the catalogue's default. Throws on unsafe or missing values. */
export function databaseUserInputFor(args: DatabaseUserInputArgs): DatabaseUserInput | undefined {
  const engine = engineOfKind(args.targetKind);
  if (!engine) return undefined;
  const databaseName = args.targetFacts.databaseName ?? /\/databases\/([^/]+)$/i.exec(args.targetId)?.[1];
  if (!databaseName) throw new DatabaseUserError("DatabaseUserPrerequisiteNotMet", `The target ${args.targetId} names no database.`);
  let userName = args.targetFacts.userName;
  if (!userName) {
    const needsConnection = engine !== "sql";
    if (needsConnection && !args.connectionName) throw new Error(`databaseUserInputFor: ${args.targetKind} needs the connection name for its default user aad_<connectionName>.`);
    userName = defaultDatabaseUser(ENGINES[engine].targetKind, args.connectionName ?? "", args.principal.name);
  }
  const serverId = args.targetResourceId && args.targetResourceId.toLowerCase() !== args.targetId.toLowerCase()
    ? args.targetResourceId
    : args.targetId.replace(/\/databases\/[^/]+$/i, "");
  const input: DatabaseUserInput = {
    engine, serverId, targetId: args.targetId, databaseName, userName: userName!,
    principal: {
      name: args.principal.name, objectId: args.principal.objectId, type: args.principal.type,
      ...(args.principal.clientId ? { clientId: args.principal.clientId } : {}),
      ...(!args.principal.clientId && args.principal.identityScope ? { identityScope: args.principal.identityScope } : {}),
    },
  };
  // Refuses now what could never be rendered safely (a client id read later is a GUID; any stands in for it here).
  statementsOf(needsClientId(input) && input.principal.identityScope
    ? { ...input, principal: { ...input.principal, clientId: "00000000-0000-0000-0000-000000000000" } } : input);
  return input;
}

/** Whether the engine's statements name the principal's client id (MySQL's CREATE AADUSER of a service principal). */
function needsClientId(input: DatabaseUserInput): boolean {
  return input.engine === "mysql" && input.principal.type === "ServicePrincipal" && !input.principal.clientId;
}

/** The input with the client id of a system-assigned identity filled in, when a statement needs it. */
export async function withClientId(input: DatabaseUserInput, ctx: StepContext): Promise<DatabaseUserInput> {
  const scope = input.principal.identityScope;
  if (!needsClientId(input) || !scope) return input;
  const subscriptionId = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
  if (!subscriptionId) throw new DatabaseUserError("DatabaseUserPrerequisiteNotMet", `'${scope}' is not a resource id; the client id of its identity cannot be read.`);
  const identity = await ctx.clients.msi(subscriptionId).systemAssignedIdentities.getByScope(scope);
  if (!identity.clientId) {
    throw new DatabaseUserError("DatabaseUserPrerequisiteNotMet",
      `The system-assigned identity of ${scope} reports no client id (${scope}/providers/Microsoft.ManagedIdentity/identities/default), which ${ENGINES[input.engine].displayName}'s CREATE AADUSER needs.`);
  }
  return { ...input, principal: { ...input.principal, clientId: identity.clientId } };
}

export function statementsOf(input: DatabaseUserInput): DatabaseUserStatements {
  return databaseUserStatements({
    engine: input.engine, databaseName: input.databaseName, userName: input.userName,
    objectId: input.principal.objectId, clientId: input.principal.clientId, principalType: input.principal.type,
  });
}

export interface DatabaseUserStepOptions {
  /** Default: the pg / mysql2 / tedious drivers. */
  executor?: DatabaseExecutor;
  /** Default: the step context's (the deployment's settings), else the servers' FQDNs and a 15 s timeout. */
  settings?: () => DatabaseSettings;
}

/** Everything a session needs, or why it cannot be had. */
type Session =
  | { ok: true; request: DatabaseSessionRequest; fqdn: string }
  | { ok: false; check?: AdminCheck; reason: string; fqdn?: string };

function describeTarget(input: DatabaseUserInput, fqdn?: string): string {
  return `${ENGINES[input.engine].displayName} database '${input.databaseName}' on ${fqdn ?? input.serverId}`;
}

/** The manual instructions: the prerequisite, what is missing, and the exact statements. */
function instructions(input: DatabaseUserInput, stmts: DatabaseUserStatements, session: Session, knownFqdn?: string): string {
  const fqdn = knownFqdn ?? session.fqdn ?? (!session.ok && session.check && !session.check.ok ? session.check.fqdn : undefined);
  const parts = [`Prerequisite: ${stmts.prerequisite}`];
  if (!session.ok) {
    parts.push(`Not met: ${session.reason}`);
    const commands = session.check && !session.check.ok ? session.check.commands : [];
    if (commands.length) parts.push(`Fix: ${commands.join(" ; ")}`);
  }
  parts.push(`Then, as the server's Microsoft Entra admin with a token for ${stmts.tokenScope}, connected to database '${stmts.connectDatabase}' ` +
    `on ${fqdn ?? input.serverId}, run: ${stmts.create.join(" ")}`);
  return parts.join(" ");
}

const DEFAULT_DATABASE_SETTINGS: DatabaseSettings = { routes: new Map(), selfDisplayName: "linkwright", timeoutMs: 15_000 };

export function createDatabaseUserStep(options: DatabaseUserStepOptions = {}): Step<DatabaseUserInput, DatabaseUserPrior> & typeof databaseUserFacts {
  const executor = options.executor ?? createDatabaseExecutor();
  const settingsOf = (ctx: StepContext): DatabaseSettings => options.settings?.() ?? ctx.databases ?? DEFAULT_DATABASE_SETTINGS;

  async function openSession(input: DatabaseUserInput, stmts: DatabaseUserStatements, ctx: StepContext): Promise<Session> {
    let token: string;
    try {
      token = await ctx.clients.dataPlaneToken(stmts.tokenScope);
    } catch (e) {
      return { ok: false, reason: `linkwright's identity could not get a token for ${stmts.tokenScope}: ${(e as Error).message}` };
    }
    try {
      const settings = settingsOf(ctx);
      const self = selfFromToken(token, settings.selfDisplayName);
      const check = await checkEntraAdmin(ctx.clients, input.engine, input.serverId, self);
      if (!check.ok) return { ok: false, check, reason: check.reason };
      const endpoint = resolveEndpoint(check.fqdn, ENGINES[input.engine].defaultPort, settings.routes);
      return {
        ok: true, fqdn: check.fqdn,
        request: {
          engine: input.engine, serverName: endpoint.fqdn, host: endpoint.host, port: endpoint.port,
          database: stmts.connectDatabase, user: check.login, token, timeoutMs: settings.timeoutMs,
        },
      };
    } catch (e) {
      return { ok: false, reason: `The Microsoft Entra admin of ${input.serverId} could not be checked: ${(e as Error).message}` };
    }
  }

  /** Grants the user it created its access; when that fails, the user is dropped again (nothing left unfinished) and
   *  `failure` says what happened. */
  async function grantOrDrop(request: DatabaseSessionRequest, stmts: DatabaseUserStatements, failure: (e: unknown, undo: string) => Error): Promise<void> {
    if (!stmts.grant.length) return;
    try {
      await executor.runStatements({ ...request, statements: stmts.grant });
    } catch (e) {
      const undo = await executor.runStatements({ ...request, statements: stmts.drop })
        .then(() => "What had been created was dropped again.")
        .catch((u: Error) => `Dropping what had been created failed too (${u.message}); run: ${stmts.drop.join(" ")}`);
      throw failure(e, undo);
    }
  }

  /** Whether the user exists; a string says why that could not be told. */
  async function probe(input: DatabaseUserInput, stmts: DatabaseUserStatements, ctx: StepContext): Promise<{ session: Session; exists: boolean | string }> {
    const session = await openSession(input, stmts, ctx);
    if (!session.ok) return { session, exists: session.reason };
    try {
      return { session, exists: await executor.userExists({ ...session.request, existsQuery: stmts.exists }) };
    } catch (e) {
      return { session: { ok: false, reason: (e as Error).message, fqdn: session.fqdn }, exists: (e as Error).message };
    }
  }

  return {
    ...databaseUserFacts,

    async plan(request, ctx): Promise<StepPlan> {
      const input = await withClientId(request, ctx);
      const stmts = statementsOf(input);
      const { session, exists } = await probe(input, stmts, ctx);
      if (exists === true) return { changes: [] };
      const fqdn = session.ok ? session.fqdn : undefined;
      const changes = [
        `Create database user '${input.userName}' for ${input.principal.name} (object id ${input.principal.objectId}) in ${describeTarget(input, fqdn)}, ` +
        `connected to database '${stmts.connectDatabase}' as the server's Microsoft Entra admin (linkwright's identity), running:`,
        ...stmts.create,
      ];
      if (!session.ok) changes.push(`Cannot run yet — ${instructions(input, stmts, session)}`);
      return { changes };
    },

    // A run resumed after the host died: the earlier run created the user (it wrote that ahead), and this run found it
    // there — but the host may have died before the grants ran. They run again (granting is idempotent).
    async resume(earlier, now, request, ctx): Promise<DatabaseUserPrior> {
      if (!earlier?.created || now.changed) return earlier;
      const input = await withClientId(request, ctx);
      const stmts = statementsOf(input);
      if (!stmts.grant.length) return earlier;
      const session = await openSession(input, stmts, ctx);
      if (!session.ok) throw new DatabaseUserError("DatabaseUserNotCreated", `Database user '${input.userName}' was created, but could not be granted its access in ${describeTarget(input)}: ${session.reason}`);
      await grantOrDrop(session.request, stmts, (e, undo) => new DatabaseUserError("DatabaseUserNotCreated",
        `Database user '${input.userName}' was created, but could not be granted its access in ${describeTarget(input, session.fqdn)}: ${(e as Error).message}. ${undo}`));
      return earlier;
    },

    async apply(request, ctx): Promise<StepOutcome<DatabaseUserPrior>> {
      const input = await withClientId(request, ctx);
      const stmts = statementsOf(input);
      const session = await openSession(input, stmts, ctx);
      if (!session.ok) {
        throw new DatabaseUserError("DatabaseUserPrerequisiteNotMet",
          `Database user '${input.userName}' was not created in ${describeTarget(input)}. ${instructions(input, stmts, session)}`);
      }
      try {
        if (await executor.userExists({ ...session.request, existsQuery: stmts.exists })) {
          return { changed: false, outputs: { databaseUser: input.userName } };
        }
      } catch (e) {
        throw new DatabaseUserError("DatabaseUserNotCreated",
          `Database user '${input.userName}' was not created in ${describeTarget(input, session.fqdn)}: ${(e as Error).message}. ` +
          instructions(input, stmts, { ok: false, reason: (e as Error).message }, session.fqdn));
      }
      const notCreated = (e: unknown, outcome: string) => new DatabaseUserError("DatabaseUserNotCreated",
        `Database user '${input.userName}' was not created in ${describeTarget(input, session.fqdn)}: ${(e as Error).message}. ${outcome} ` +
        instructions(input, stmts, { ok: false, reason: (e as Error).message }, session.fqdn));
      await ctx.writeAhead?.({ created: true } satisfies DatabaseUserPrior);
      try {
        await executor.runStatements({ ...session.request, statements: stmts.createUser });
      } catch (e) {
        const existsNow = await executor.userExists({ ...session.request, existsQuery: stmts.exists }).catch(() => undefined);
        // No answer came (the connection dropped or timed out with the CREATE on its way) and the user exists now:
        // that CREATE ran — the probe just found none — and the grants follow as usual. Otherwise the CREATE did not
        // run or the server refused it: whatever user of that name exists now is not linkwright's (someone created it
        // after the probe), so it is neither dropped nor granted anything.
        if (!(existsNow === true && e instanceof DatabaseStatementError && !e.answered)) {
          throw notCreated(e, existsNow === undefined ? "Nothing was dropped."
            : existsNow ? `A user '${input.userName}' already exists and was not created by linkwright; it was left as it is (not dropped, nothing granted). ` +
              "Drop it yourself if it is not needed, or name another user in authInfo.userName."
            : "Nothing had been created.");
        }
      }
      await grantOrDrop(session.request, stmts, notCreated);
      return { changed: true, prior: { created: true }, outputs: { databaseUser: input.userName } };
    },

    async compensate(request, prior, ctx): Promise<void> {
      if (!prior?.created) return;
      const input = await withClientId(request, ctx);
      const stmts = statementsOf(input);
      const session = await openSession(input, stmts, ctx);
      if (!session.ok) {
        throw new DatabaseUserError("DatabaseUserNotDropped",
          `Database user '${input.userName}' (created by linkwright) could not be dropped from ${describeTarget(input)}: ${session.reason} Run as the Entra admin: ${stmts.drop.join(" ")}`);
      }
      try {
        await executor.runStatements({ ...session.request, statements: stmts.drop });
      } catch (e) {
        // The user is gone: the DROP ran though no answer came, or an earlier run of this undo (the host died after
        // it) dropped it and this run's REVOKEs found no role.
        if (await executor.userExists({ ...session.request, existsQuery: stmts.exists }).then((exists) => !exists, () => false)) return;
        // The user stays: what the drop had revoked before the refused statement is granted again, so it is as it was.
        const regranted = stmts.drop.length > 1 && stmts.grant.length
          ? await executor.runStatements({ ...session.request, statements: stmts.grant })
            .then(() => " Its grants, revoked before, were given back.", (g: Error) => ` Giving back its grants failed too (${g.message}): run ${stmts.grant.join(" ")}`)
          : "";
        throw new DatabaseUserError("DatabaseUserNotDropped",
          `Database user '${input.userName}' could not be dropped from ${describeTarget(input, session.fqdn)}: ${(e as Error).message}.${regranted} Run as the Entra admin: ${stmts.drop.join(" ")}`);
      }
    },

    async verify(request, ctx): Promise<CheckResult> {
      let input: DatabaseUserInput;
      try {
        input = await withClientId(request, ctx);
      } catch (e) {
        return {
          name: "Database user", result: "failure", errorCode: "DatabaseUserUnverifiable",
          description: `Database user '${request.userName}' exists in ${describeTarget(request)}.`,
          errorMessage: `The client id of ${request.principal.name}'s identity could not be read: ${(e as Error).message}`,
        };
      }
      const stmts = statementsOf(input);
      const { session, exists } = await probe(input, stmts, ctx);
      const description = `Database user '${input.userName}' exists in ${describeTarget(input, session.ok ? session.fqdn : undefined)}.`;
      if (exists === true) return { name: "Database user", result: "success", description };
      const why: Session = session.ok ? { ok: false, reason: `The user '${input.userName}' does not exist.` } : session;
      return {
        name: "Database user", result: "failure", description,
        errorCode: session.ok ? "DatabaseUserMissing" : "DatabaseUserUnverifiable",
        errorMessage: instructions(input, stmts, why, session.ok ? session.fqdn : undefined),
      };
    },
  };
}

export const databaseUserStep = createDatabaseUserStep();
