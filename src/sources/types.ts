// A source is the compute resource a connection configures: an App Service / Function App site,
// one of its deployment slots, or a Container App — or, for a local connection, the caller's own machine (./local.ts).
// Steps talk to it only through this interface.
import type { IdentityState, IdentityType } from "../model/steps.js";

export type SourceKind = "webapp" | "functionapp" | "slot" | "containerapp" | "local";

/** One configuration value as the source stores it. `secret` values are stored as Container Apps secrets. */
export interface SourceSetting {
  name: string;
  value: string;
  secret?: boolean;
}

export interface SourceSnapshot {
  id: string;
  kind: SourceKind;
  location?: string;
  identity: IdentityState;
  /** Outbound IPs the target firewall must admit (possible outbound IPs for App Service). */
  outboundIps: string[];
  /** A site's or slot's regional VNet integration subnet (its outbound subnet), from the same read. */
  subnetId?: string;
  /** A container app's managed environment (its infrastructure subnet is the outbound one). */
  environmentId?: string;
}

export interface SourceAdapter {
  readonly id: string;
  read(): Promise<SourceSnapshot>;
  /** Sets the identity type and the attached user-assigned identities; returns the state after the write. */
  writeIdentity(type: IdentityType, userAssignedIds: string[]): Promise<IdentityState>;
  /** All settings (app settings; or the env of the scoped container with secret values resolved to markers). */
  readSettings(): Promise<Record<string, string>>;
  /** Merges the change into the current settings and writes them. `basis`: the full current set the caller read
   *  immediately before (inside the per-source critical section), so the adapter need not read it again. */
  updateSettings(change: { upsert: SourceSetting[]; remove: string[] }, basis?: Record<string, string>): Promise<void>;
}
