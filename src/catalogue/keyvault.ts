// Azure Key Vault (targets.md §4, §5a, §6.5). No secret auth: identities only.
import { forClients, key, need, prop, sameForAllSources, spPlus, umiClientId, withSlash } from "./entries.js";
import { RG } from "./ids.js";
import type { ClientType, EntrySpec, TargetDescriptor, TargetFacts } from "./types.js";

const VAULT = `${RG}/Microsoft.KeyVault/vaults/{resourceName}`;
const P = "AZURE_KEYVAULT";
const MANAGEMENT_SCOPE = "https://management.azure.com/.default";

/** The vault URI (`properties.vaultUri`), e.g. `https://<vault>.vault.azure.net/`. */
const vaultUri = (f: TargetFacts): string => withSlash(need(f, "endpoint"));

const scope = key(P, "SCOPE", MANAGEMENT_SCOPE, "Token scope");
const endpoint = key(P, "RESOURCEENDPOINT", vaultUri, "Key Vault URI");
const NON_SPRING: ClientType[] = ["dotnet", "java", "python", "nodejs", "none"];

const springUri = prop("azure.keyvault.uri", vaultUri, "Key Vault URI");
const springScope = prop("azure.keyvault.scope", MANAGEMENT_SCOPE, "Token scope");
const springMi = prop("spring.cloud.azure.keyvault.secret.credential.managed-identity-enabled", "true", "Use a managed identity");
const springEndpoint = prop("spring.cloud.azure.keyvault.secret.endpoint", vaultUri, "Key Vault URI");
const clientId = (name: string, what: string): EntrySpec => prop(name, (f) => need(f, "clientId"), `Client id of the ${what}`);

export const keyVault: TargetDescriptor = {
  kind: "keyvault",
  resourceFacts: [{ fact: "endpoint", path: "properties.vaultUri" }],
  displayName: "Azure Key Vault",
  armType: "Microsoft.KeyVault/vaults",
  idPatterns: [{ template: VAULT }],
  resourceTemplate: VAULT,
  roleScopeTemplate: VAULT,
  authTypes: sameForAllSources(["systemAssignedIdentity", "userAssignedIdentity", "servicePrincipalSecret"], ["userAccount", "servicePrincipalSecret"]),
  secretIsAuto: false,
  clientTypes: ["dotnet", "java", "python", "nodejs", "springBoot", "none"],
  cells: {
    systemAssignedIdentity: {
      ...forClients(NON_SPRING, [scope, endpoint]),
      springBoot: [springUri, springScope, springMi, springEndpoint],
    },
    userAssignedIdentity: {
      ...forClients(NON_SPRING, [scope, endpoint, umiClientId(P)]),
      springBoot: [
        springUri,
        springScope,
        springMi,
        springEndpoint,
        clientId("azure.keyvault.client-id", "user-assigned managed identity"),
        clientId("spring.cloud.azure.keyvault.secret.credential.client-id", "user-assigned managed identity"),
      ],
    },
    servicePrincipalSecret: {
      ...forClients(NON_SPRING, [scope, endpoint, ...spPlus(P)]),
      springBoot: [
        springUri,
        clientId("azure.keyvault.client-id", "service principal"),
        prop("azure.keyvault.client-key", (f) => need(f, "clientSecret"), "Client secret of the service principal", true),
        prop("azure.keyvault.tenant-id", (f) => need(f, "tenantId"), "Tenant id of the service principal"),
        springScope,
        springEndpoint,
        clientId("spring.cloud.azure.keyvault.secret.credential.client-id", "service principal"),
        prop(
          "spring.cloud.azure.keyvault.secret.credential.client-secret",
          (f) => need(f, "clientSecret"),
          "Client secret of the service principal",
          true,
        ),
        prop("spring.cloud.azure.keyvault.secret.profile.tenant-id", (f) => need(f, "tenantId"), "Tenant id of the service principal"),
      ],
    },
  },
  defaultRoles: [
    { name: "Key Vault Secrets User", id: "4633458b-17de-408a-b874-0445c86b69e6" },
    { name: "Key Vault Certificate User", id: "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba" },
  ],
  allowedRoles: [
    { name: "Key Vault Reader", id: "21090545-7ca7-4776-b22c-e363652d74d2" },
    { name: "Key Vault Crypto User", id: "12338af0-0e69-4776-bea7-57ae8d297424" },
  ],
  secretSource: { kind: "none", note: "Key Vault has no secret auth type; identities only." },
  network: { firewall: true, serviceEndpoint: true, privateLink: true },
  notes: [
    "The roles apply to vaults using the Azure RBAC permission model; access-policy vaults need an access policy instead (not in the sources).",
    "AZURE_KEYVAULT_SCOPE is https://management.azure.com/.default exactly as the doc and the CLI recording show.",
  ],
};
