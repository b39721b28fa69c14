// Validation of a (target, source, auth, client) combination with messages naming what is supported.
import { REGISTRY } from "./registry.js";
import type { AuthType, ClientType, SourceKind, TargetDescriptor, TargetKind } from "./types.js";
import { SOURCE_KINDS } from "./types.js";

export interface CombinationProblem {
  /** The request field at fault, as a LinkerResource property path. */
  field: "targetService" | "sourceKind" | "authInfo.authType" | "clientType";
  message: string;
}

export interface Combination {
  targetKind: string;
  sourceKind: string;
  authType: string;
  clientType: string;
}

/** The descriptor for `kind`, or undefined. */
export function descriptorOf(kind: string): TargetDescriptor | undefined {
  return REGISTRY.get(kind as TargetKind);
}

/** undefined when supported; otherwise the field and a message naming the supported values. */
export function checkCombination(c: Combination): CombinationProblem | undefined {
  const d = descriptorOf(c.targetKind);
  if (!d) return { field: "targetService", message: `unknown target kind '${c.targetKind}'; supported: ${[...REGISTRY.keys()].join(", ")}` };
  if (!(SOURCE_KINDS as readonly string[]).includes(c.sourceKind)) {
    return { field: "sourceKind", message: `unknown source kind '${c.sourceKind}'; supported: ${SOURCE_KINDS.join(", ")}` };
  }
  const auths = d.authTypes[c.sourceKind as SourceKind];
  if (!auths.includes(c.authType as AuthType)) {
    return {
      field: "authInfo.authType",
      message: auths.length
        ? `${d.kind} supports authType ${auths.join(", ")} (from a ${c.sourceKind === "local" ? "local connection" : c.sourceKind}); got '${c.authType}'`
        : `${d.kind} cannot be connected from a ${c.sourceKind === "local" ? "local connection" : c.sourceKind}; got authType '${c.authType}'`,
    };
  }
  if (!d.clientTypes.includes(c.clientType as ClientType)) {
    return { field: "clientType", message: `${d.kind} supports clientType ${d.clientTypes.join(", ")}; got '${c.clientType}'` };
  }
  if (!d.cells[c.authType as AuthType]?.[c.clientType as ClientType]) {
    const withAuth = d.clientTypes.filter((ct) => d.cells[c.authType as AuthType]?.[ct]);
    const authsForClient = auths.filter((a) => d.cells[a]?.[c.clientType as ClientType]);
    return {
      field: "clientType",
      message:
        `${d.kind} supports clientType ${c.clientType} only with authType ${authsForClient.join(", ")}; ` +
        `with authType ${c.authType} it supports clientType ${withAuth.join(", ")}`,
    };
  }
  return undefined;
}
