// Azure App Configuration (targets.md §4, §5a, §6.18).
import { forClients, key, need, noSlash, sameForAllSources, secretKey, spPlus, umiClientId, LOCAL_IDENTITY_AUTH } from "./entries.js";
import { RG } from "./ids.js";
import type { ClientType, TargetDescriptor, TargetFacts } from "./types.js";

const STORE = `${RG}/Microsoft.AppConfiguration/configurationStores/{resourceName}`;
const P = "AZURE_APPCONFIGURATION";
/** `https://<name>.azconfig.io` (properties.endpoint). */
const endpoint = (f: TargetFacts) => noSlash(need(f, "endpoint"));
const CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "none"];
const endpointKey = key(P, "ENDPOINT", endpoint, "App Configuration endpoint");

export const appConfiguration: TargetDescriptor = {
  kind: "appconfig",
  resourceFacts: [{ fact: "endpoint", path: "properties.endpoint" }],
  displayName: "Azure App Configuration",
  armType: "Microsoft.AppConfiguration/configurationStores",
  idPatterns: [{ template: STORE }],
  resourceTemplate: STORE,
  roleScopeTemplate: STORE,
  authTypes: sameForAllSources(["systemAssignedIdentity", "secret", "userAssignedIdentity", "servicePrincipalSecret"], LOCAL_IDENTITY_AUTH),
  secretIsAuto: true,
  clientTypes: CLIENTS,
  cells: {
    systemAssignedIdentity: forClients(CLIENTS, [endpointKey]),
    userAssignedIdentity: forClients(CLIENTS, [endpointKey, umiClientId(P)]),
    servicePrincipalSecret: forClients(CLIENTS, [endpointKey, ...spPlus(P)]),
    secret: forClients(CLIENTS, [
      secretKey(
        P,
        "CONNECTIONSTRING",
        (f) => `Endpoint=${endpoint(f)};Id=${need(f, "accessKeyId")};Secret=${need(f, "accessKey")}`,
        "App Configuration connection string",
      ),
    ]),
  },
  defaultRoles: [{ name: "App Configuration Data Reader", id: "516239f1-63e1-4d78-a4de-a74fb236a071" }],
  allowedRoles: [{ name: "App Configuration Data Owner", id: "5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b" }],
  secretSource: {
    kind: "listKeys",
    resourceTemplate: STORE,
    action: "Microsoft.AppConfiguration/configurationStores/ListKeys/action",
    pick: [
      { path: "value[0].id", fact: "accessKeyId" },
      { path: "value[0].value", fact: "accessKey" },
    ],
    note: "The first (primary, read-write) access key.",
  },
  network: { firewall: false, serviceEndpoint: false, privateLink: true },
  notes: ["AZURE_APPCONFIGURATION_SCOPE (in the REST names list only) is not written; the doc lists the endpoint alone."],
};
