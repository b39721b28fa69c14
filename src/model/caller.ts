// Who is asking: the authenticated caller of an API request. Recorded on linkers and operations (audit) and
// handed to the orchestrations, so it carries identity only, never a token.

/** The authenticated caller (from the bearer token). */
export interface Caller {
  objectId: string;
  tenantId: string;
  appId?: string;
  /** "User" | "Application" (systemData createdByType vocabulary). */
  principalType: "User" | "Application";
}

/** How the caller's bearer token may be used to learn what the caller may do in ARM. */
export type CallerCredential =
  /** A token for ARM's own audience (accepted only with LINKWRIGHT_ACCEPT_ARM_TOKENS): it asks ARM directly. */
  | { kind: "armToken"; token: string }
  /** A user's token for linkwright's audience: exchanged on-behalf-of the user for an ARM token. */
  | { kind: "delegated"; token: string }
  /** An application's token for linkwright's audience: app-only tokens cannot be exchanged, so its role
   *  assignments are evaluated (with linkwright's own identity). */
  | { kind: "application" };

/** The caller plus what lets linkwright ask ARM on its behalf. The credential never leaves the request. */
export interface AuthenticatedCaller {
  caller: Caller;
  credential: CallerCredential;
}
