// The caller's access, as operations use it: the authorizer's decision bound to this request's caller, and a
// refusal rendered as ARM renders one (403 AuthorizationFailed naming every missing action and scope).
import { AuthorizationUnavailableError, type Authorizer, type MissingPermission } from "../authorization/authorizer.js";
import type { AuthenticatedCaller, Caller } from "../model/caller.js";
import type { CallerAccess } from "./types.js";
import { ApiError, ErrorCodes } from "./wire/errors.js";

function why(m: MissingPermission): string {
  if (m.deniedBy) return ` (blocked by the deny assignment '${m.deniedBy}')`;
  if (m.conditional) return " (a role assignment grants it only under a condition, which linkwright does not count)";
  return "";
}

function armSentence(caller: Caller, m: MissingPermission): string {
  const client = caller.appId ?? caller.objectId;
  return `The client '${client}' with object id '${caller.objectId}' does not have authorization to perform ${m.dataAction ? "data action" : "action"} '${m.action}' over scope '${m.scope}' or the scope is invalid${why(m)}.`;
}

/** 403 AuthorizationFailed in ARM's words, one detail per missing permission (with why linkwright needs it). */
export function authorizationFailed(caller: Caller, missing: MissingPermission[]): ApiError {
  const first = missing[0]!;
  const more = missing.length > 1 ? ` ${missing.length - 1} more permission(s) are missing too (see details).` : "";
  return new ApiError(403, "AuthorizationFailed",
    `${armSentence(caller, first)} linkwright needs it to ${first.why}.${more} If access was recently granted, please refresh your credentials.`,
    undefined,
    missing.map((m) => ({ code: "AuthorizationFailed", message: `${armSentence(caller, m)} Needed to ${m.why}; the least-privileged built-in role that grants it: ${m.recommendedRole}.`, target: m.scope })));
}

export function accessFor(authorizer: Authorizer, who: AuthenticatedCaller): CallerAccess {
  const decide: CallerAccess["decide"] = async (required) => {
    try {
      return await authorizer.decide(who, required);
    } catch (e) {
      if (e instanceof AuthorizationUnavailableError) throw new ApiError(403, "AuthorizationFailed", e.message);
      // The caller's token could not be exchanged on its behalf, or ARM refused it: the caller is not authenticated
      // for ARM, so nothing can be decided for it.
      if ((e as Error).name === "AuthenticationError" || (e as { statusCode?: unknown }).statusCode === 401) {
        throw new ApiError(401, ErrorCodes.InvalidAuthenticationToken,
          "The access token could not be used to learn the caller's permissions in Azure Resource Manager (on-behalf-of exchange or ARM refused it).");
      }
      throw e;
    }
  };
  return {
    via: who.credential.kind,
    decide,
    async require(required) {
      const decision = await decide(required);
      if (!decision.allowed) throw authorizationFailed(who.caller, decision.missing);
      return decision;
    },
    prefetch(scopes) {
      try {
        authorizer.prefetch(who, scopes);
      } catch {
        // The decision itself reports why it cannot be made.
      }
    },
  };
}
