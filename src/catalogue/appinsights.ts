// Application Insights (targets.md §4, §6.25): secret(auto) only.
import { forClients, need, prop, sameForAllSources } from "./entries.js";
import { RG } from "./ids.js";
import type { ClientType, TargetDescriptor } from "./types.js";

const COMPONENT = `${RG}/microsoft.insights/components/{resourceName}`;
const CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "go", "none"];

export const appInsights: TargetDescriptor = {
  kind: "app-insights",
  // The connection string is a secret: it is read only through secretSource (when the value is written), never as a
  // resource fact (facts are recorded on the linker).
  resourceFacts: [],
  displayName: "Application Insights",
  armType: "microsoft.insights/components",
  idPatterns: [{ template: COMPONENT }],
  resourceTemplate: COMPONENT,
  authTypes: sameForAllSources(["secret"], ["secret"]),
  secretIsAuto: true,
  clientTypes: CLIENTS,
  cells: {
    secret: forClients(CLIENTS, [
      prop("APPLICATIONINSIGHTS_CONNECTION_STRING", (f) => need(f, "connectionString"), "Application Insights connection string", true),
    ]),
  },
  defaultRoles: [],
  secretSource: {
    kind: "resourceProperty",
    resourceTemplate: COMPONENT,
    action: "microsoft.insights/components/read",
    pick: [{ path: "properties.ConnectionString", fact: "connectionString" }],
  },
  network: { firewall: false, serviceEndpoint: false, privateLink: false },
  notes: [
    "Service Connector's default key name is not confirmed in the sources (§6.25); linkwright writes " +
      "APPLICATIONINSIGHTS_CONNECTION_STRING, the name the Application Insights SDKs and App Service read.",
  ],
};
