// When linkwright's own identity is refused (ARM's 403 AuthorizationFailed, a Key Vault data plane's 403), the
// connection fails with what to grant to whom: the action, the scope, linkwright's principal and the exact
// `az role assignment create` that fixes it. One wording for the saga's step failures, the dry run's prerequisite
// results and the grants the platform team makes (a database's Entra admin has its own, src/steps/databaseUser.ts).
import { recommendedRoleFor } from "./permissions.js";

export interface OwnPermissionGap {
  action: string;
  /** Where to grant it (a Key Vault secret's vault, not the secret). */
  scope: string;
  dataAction: boolean;
  principalId?: string;
  recommendedRole: string;
}

const ARM_REFUSAL = /with object id '([0-9a-f-]{36})' does not have authorization to perform action '([^']+)' over scope '([^']+)'/i;
const KEY_VAULT_REFUSAL = /Caller:[^\r\n]*\boid=([0-9a-f-]{36})[\s\S]*?Action:\s*'([^']+)'[\s\S]*?Resource:\s*'([^']+)'/i;

/** The gap a 403 from ARM or a Key Vault data plane names, when it names one. */
export function ownPermissionGap(error: unknown): OwnPermissionGap | undefined {
  const e = error as { statusCode?: unknown; message?: unknown };
  if (e?.statusCode !== 403 || typeof e.message !== "string") return undefined;
  const arm = ARM_REFUSAL.exec(e.message);
  if (arm) return gap(arm[2]!, arm[3]!, false, arm[1]);
  const kv = KEY_VAULT_REFUSAL.exec(e.message);
  if (kv) return gap(kv[2]!, kv[3]!.replace(/\/(secrets|keys|certificates)\/[^/]+$/i, ""), true, kv[1]);
  return undefined;
}

function gap(action: string, scope: string, dataAction: boolean, principalId?: string): OwnPermissionGap {
  return { action, scope, dataAction, ...(principalId ? { principalId } : {}), recommendedRole: recommendedRoleFor(action, dataAction) };
}

/** The command a platform administrator runs to close the gap. */
export function grantCommand(g: Pick<OwnPermissionGap, "scope" | "recommendedRole" | "principalId">): string {
  const assignee = g.principalId ? `--assignee-object-id ${g.principalId} --assignee-principal-type ServicePrincipal` : "--assignee <linkwright's principal id>";
  return `az role assignment create ${assignee} --role "${g.recommendedRole}" --scope ${g.scope}`;
}

/** "linkwright's identity (principal …) lacks '…' over '…'. A platform administrator grants it with: az role …". */
export function describeOwnPermissionGap(g: OwnPermissionGap, context?: string): string {
  const who = g.principalId ? `linkwright's identity (principal ${g.principalId})` : "linkwright's identity";
  return `${context ? `${context}: ` : ""}${who} lacks ${g.dataAction ? "data action" : "action"} '${g.action}' over scope '${g.scope}'. ` +
    `A platform administrator grants it with: ${grantCommand(g)}`;
}
