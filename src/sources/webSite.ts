// App Service and Function App sites, and their deployment slots, as connection sources.
// App settings PUT replaces the whole set (as in Azure), so updateSettings re-reads and merges right before writing;
// callers serialize writers per source (see the orchestration's per-source critical section).
import type { Site } from "@azure/arm-appservice";
import type { ArmClients } from "../azure/clients.js";
import type { SourceAdapter, SourceKind, SourceSetting, SourceSnapshot } from "./types.js";
import type { IdentityState, IdentityType } from "../model/steps.js";

export interface WebSiteRef {
  id: string;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  slot?: string;
}

export function webSiteSource(clients: ArmClients, ref: WebSiteRef): SourceAdapter {
  const web = () => clients.webApps(ref.subscriptionId).webApps;
  const { resourceGroup: rg, name, slot } = ref;

  const getSite = (): Promise<Site> => (slot ? web().getSlot(rg, name, slot) : web().get(rg, name));
  const listSettings = async (): Promise<Record<string, string>> =>
    ((slot ? await web().listApplicationSettingsSlot(rg, name, slot) : await web().listApplicationSettings(rg, name))
      .properties ?? {});

  return {
    id: ref.id,
    async read(): Promise<SourceSnapshot> {
      const site = await getSite();
      return {
        id: ref.id,
        kind: siteKind(site, slot),
        location: site.location,
        identity: toIdentityState(site.identity),
        outboundIps: splitIps(site.possibleOutboundIpAddresses ?? site.outboundIpAddresses),
        ...(site.virtualNetworkSubnetId ? { subnetId: site.virtualNetworkSubnetId } : {}),
      };
    },
    async writeIdentity(type: IdentityType, userAssignedIds: string[]): Promise<IdentityState> {
      const identity = {
        type,
        ...(userAssignedIds.length ? { userAssignedIdentities: Object.fromEntries(userAssignedIds.map((id) => [id, {}])) } : {}),
      };
      const site = slot ? await web().updateSlot(rg, name, slot, { identity }) : await web().update(rg, name, { identity });
      return toIdentityState(site.identity);
    },
    readSettings: listSettings,
    async updateSettings(change: { upsert: SourceSetting[]; remove: string[] }, basis?: Record<string, string>): Promise<void> {
      const current = basis ?? await listSettings();
      const next = { ...current };
      for (const key of change.remove) delete next[key];
      for (const s of change.upsert) next[s.name] = s.value;
      if (slot) await web().updateApplicationSettingsSlot(rg, name, slot, { properties: next });
      else await web().updateApplicationSettings(rg, name, { properties: next });
    },
  };
}

function siteKind(site: Site, slot: string | undefined): SourceKind {
  if (slot) return "slot";
  return (site.kind ?? "").toLowerCase().includes("functionapp") ? "functionapp" : "webapp";
}

export function toIdentityState(identity: Site["identity"] | undefined): IdentityState {
  const userAssigned: IdentityState["userAssigned"] = {};
  for (const [id, v] of Object.entries(identity?.userAssignedIdentities ?? {})) {
    userAssigned[id] = { principalId: v?.principalId, clientId: v?.clientId };
  }
  return {
    type: (identity?.type as IdentityType | undefined) ?? "None",
    principalId: identity?.principalId,
    tenantId: identity?.tenantId,
    userAssigned,
  };
}

function splitIps(list: string | undefined): string[] {
  return (list ?? "").split(",").map((s) => s.trim()).filter(Boolean);
}
