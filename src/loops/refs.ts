/**
 * Resolved endpoints: the normalised resource a trigger watches or a writer writes, and its glob.
 */
import type { ResourceKind, ResourceRef } from "./model.js";
import { isLiteral } from "./pattern.js";

export const ANY = "*";

/** A resolved trigger or write target. `glob` is `container/blob` for blobs, the entity name otherwise. */
export interface Endpoint {
  ref: ResourceRef;
  glob: string;
  /** Reasons the endpoint is not fully known (makes every edge through it "possible"). */
  uncertain: string[];
}

export interface ResolvedTrigger extends Endpoint {
  binding: string;
  /** Only writes from the same app can reach it (Event Grid trigger whose subscription is unknown). */
  sameAppOnly?: boolean;
}

export interface ResolvedWriter extends Endpoint {
  via: "binding" | "connection";
  binding?: string;
  linkerId?: string;
}

export interface ResolvedFunction {
  appId: string;
  function: string;
  triggers: ResolvedTrigger[];
  writers: ResolvedWriter[];
}

export interface ResolvedApp {
  appId: string;
  functions: ResolvedFunction[];
  /** Linkwright connections: possible writers for every function of the app. */
  connectionWriters: ResolvedWriter[];
}

/** Lower-cases the part of a glob before the first `/` (container names are lower-case). */
export function lowerContainer(glob: string): string {
  const slash = glob.indexOf("/");
  return slash < 0 ? glob.toLowerCase() : glob.slice(0, slash).toLowerCase() + glob.slice(slash);
}

export function containerOf(glob: string): string {
  const slash = glob.indexOf("/");
  const container = slash < 0 ? glob : glob.slice(0, slash);
  return isLiteral(container) && container.length > 0 ? container : ANY;
}

export function makeRef(kind: ResourceKind, account: string | undefined, entity: string, pattern: string): ResourceRef {
  const acct = account ?? ANY;
  return { kind, account: acct, entity, pattern, key: `${kind}://${acct}/${entity}` };
}
