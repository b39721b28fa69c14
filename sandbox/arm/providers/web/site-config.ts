// SiteConfig (the `config/web` resource and Site.properties.siteConfig): defaults for a fresh app and the rules
// that keep `vnetRouteAllEnabled` and the site's `outboundVnetRouting.allTraffic` in sync.
// Reference: arm-surface §2.1 "config/web".
import { asObject } from "../kit/request-body.js";

/** The rule a fresh app reports (observed az CLI output). */
export const ALLOW_ALL_RULE = {
  ipAddress: "Any", action: "Allow", priority: 2147483647, name: "Allow all", description: "Allow all access",
};

export function defaultSiteConfig(kind: string | undefined): Record<string, unknown> {
  const linux = (kind ?? "").toLowerCase().includes("linux");
  return {
    numberOfWorkers: 1,
    linuxFxVersion: linux ? ((kind ?? "").includes("functionapp") ? "Node|20" : "NODE|20-lts") : "",
    alwaysOn: false,
    http20Enabled: false,
    minTlsVersion: "1.2",
    ftpsState: "FtpsOnly",
    vnetRouteAllEnabled: false,
    publicNetworkAccess: null,
    ipSecurityRestrictions: [{ ...ALLOW_ALL_RULE }],
    ipSecurityRestrictionsDefaultAction: "Allow",
    scmIpSecurityRestrictions: [{ ...ALLOW_ALL_RULE }],
    scmIpSecurityRestrictionsDefaultAction: "Allow",
    scmIpSecurityRestrictionsUseMain: false,
    appSettings: null,
    connectionStrings: null,
  };
}

/** Applies a requested siteConfig onto `current` (fields given replace; arrays replace wholesale). */
export function applySiteConfig(current: Record<string, unknown>, requested: unknown): Record<string, unknown> {
  const out = { ...current };
  for (const [k, v] of Object.entries(asObject(requested))) {
    if (k === "appSettings" || k === "connectionStrings") continue; // stored as config/appsettings, config/connectionstrings
    if (v === undefined) continue;
    out[k] = structuredClone(v);
  }
  for (const key of ["ipSecurityRestrictions", "scmIpSecurityRestrictions"]) {
    if (Array.isArray(out[key]) && (out[key] as unknown[]).length === 0) out[key] = [{ ...ALLOW_ALL_RULE }];
  }
  out.appSettings = null;
  out.connectionStrings = null;
  return out;
}
