// The LinkerResource model as this API stores and returns it (servicelinker-api.md §2).
// Kept as JSON objects: the front door validates them (src/api/model/validateLinkerProperties.ts).

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export interface TargetService extends JsonObject {
  type: string;
}

export interface AuthInfo extends JsonObject {
  authType: string;
}

/** `LinkerProperties` as received (after validation) and stored (after secret extraction). */
export interface LinkerProperties {
  targetService: TargetService;
  authInfo: AuthInfo;
  clientType?: string;
  vNetSolution?: JsonObject | null;
  secretStore?: JsonObject | null;
  scope?: string | null;
  publicNetworkSolution?: JsonObject | null;
  configurationInfo?: JsonObject | null;
  /** linkwright's own, never on the wire (the API sets it, wire views drop it): the caller's client IP address as ARM
   *  reported it (`x-ms-client-ip-address`) when `publicNetworkSolution.firewallRules.callerClientIP` is "true" — the
   *  address the target's firewall admits for the caller (a local connection's one outbound address). */
  callerIpAddress?: string;
}

export interface SystemData {
  createdBy?: string;
  createdByType?: string;
  createdAt?: string;
  lastModifiedBy?: string;
  lastModifiedByType?: string;
  lastModifiedAt?: string;
}

export const LINKER_TYPE = "Microsoft.ServiceLinker/linkers";

/** Provisioning states this API writes; the orchestrations write Succeeded / Failed / Canceled. */
export const ProvisioningStates = {
  Accepted: "Accepted",
  Updating: "Updating",
  Deleting: "Deleting",
  Succeeded: "Succeeded",
  Failed: "Failed",
  Canceled: "Canceled",
} as const;

export function isTerminalState(state: string): boolean {
  return state === "Succeeded" || state === "Failed" || state === "Canceled";
}

export function deepClone<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
