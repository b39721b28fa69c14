// Built-in Azure role definitions the emulator knows, with their real GUIDs and permissions
// (GUIDs: reference targets.md §5a and arm-surface §2.4; permissions as published for the built-in roles).
export interface RolePermission {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

export interface RoleDefinitionData {
  /** GUID; the definition's id is `{scope}/providers/Microsoft.Authorization/roleDefinitions/{name}`. */
  name: string;
  roleName: string;
  description: string;
  type: "BuiltInRole" | "CustomRole";
  permissions: RolePermission[];
  assignableScopes: string[];
}

function role(name: string, roleName: string, description: string, p: Partial<RolePermission>): RoleDefinitionData {
  return {
    name, roleName, description, type: "BuiltInRole", assignableScopes: ["/"],
    permissions: [{ actions: p.actions ?? [], notActions: p.notActions ?? [], dataActions: p.dataActions ?? [], notDataActions: p.notDataActions ?? [] }],
  };
}

const SA = "Microsoft.Storage/storageAccounts";
const KV_READ_ACTIONS = [
  "Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Resources/deployments/*",
  "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*", "Microsoft.KeyVault/checkNameAvailability/read",
  "Microsoft.KeyVault/deletedVaults/read", "Microsoft.KeyVault/locations/*/read", "Microsoft.KeyVault/vaults/*/read",
  "Microsoft.KeyVault/operations/read",
];

import { TARGET_DATA_ACTION_PATTERNS, TARGET_ROLE_IDS, TARGET_ROLES } from "./target-roles.js";

const CORE_ROLE_IDS = {
  Owner: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
  Contributor: "b24988ac-6180-42a0-ab88-20f7382dd24c",
  Reader: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
  UserAccessAdministrator: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
  RoleBasedAccessControlAdministrator: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
  StorageBlobDataOwner: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
  StorageBlobDataContributor: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
  StorageBlobDataReader: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
  StorageQueueDataContributor: "974c5e8b-45b9-4653-ba55-5f855dd0fb88",
  StorageQueueDataReader: "19e7f393-937e-4f77-808e-94535e297925",
  StorageTableDataContributor: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
  StorageTableDataReader: "76199698-9eea-4c19-bc75-cec21354c6b6",
  StorageFileDataPrivilegedContributor: "69566ab7-960f-475b-8e7c-b3118f30c6bd",
  KeyVaultSecretsUser: "4633458b-17de-408a-b874-0445c86b69e6",
  KeyVaultSecretsOfficer: "b86a8fe4-44ce-4948-aee5-eccb2c155cd7",
  KeyVaultAdministrator: "00482a5a-887f-4fb3-b363-3b7fe8e74483",
  KeyVaultCertificateUser: "db79e9a7-68ee-4b58-9aeb-b90e7c24fcba",
  AppConfigurationDataOwner: "5ae67dd6-50cb-40e7-96ff-dc2bfa4b606b",
  AppConfigurationDataReader: "516239f1-63e1-4d78-a4de-a74fb236a071",
  SignalRAppServer: "420fcaa2-552c-430f-98ca-3264be4806c7",
  AcrPull: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
} as const;

export const ROLE_IDS = { ...CORE_ROLE_IDS, ...TARGET_ROLE_IDS } as const;

const CORE_ROLES: RoleDefinitionData[] = [
  role(ROLE_IDS.Owner, "Owner", "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.", { actions: ["*"] }),
  role(ROLE_IDS.Contributor, "Contributor",
    "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
    {
      actions: ["*"],
      notActions: [
        "Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write", "Microsoft.Authorization/elevateAccess/Action",
        "Microsoft.Blueprint/blueprintAssignments/write", "Microsoft.Blueprint/blueprintAssignments/delete",
        "Microsoft.Compute/galleries/share/action", "Microsoft.Purview/consents/write", "Microsoft.Purview/consents/delete",
        "Microsoft.Resources/deploymentStacks/manageDenySetting/action", "Microsoft.Subscription/cancel/action",
        "Microsoft.Subscription/enable/action",
      ],
    }),
  role(ROLE_IDS.Reader, "Reader", "View all resources, but does not allow you to make any changes.", { actions: ["*/read"] }),
  role(ROLE_IDS.UserAccessAdministrator, "User Access Administrator", "Lets you manage user access to Azure resources.",
    { actions: ["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"] }),
  role(ROLE_IDS.RoleBasedAccessControlAdministrator, "Role Based Access Control Administrator",
    "Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you to manage access using other ways, such as Azure Policy.",
    { actions: ["Microsoft.Authorization/roleAssignments/write", "Microsoft.Authorization/roleAssignments/delete", "*/read", "Microsoft.Support/*"] }),
  role(ROLE_IDS.StorageBlobDataOwner, "Storage Blob Data Owner",
    "Provides full access to Azure Storage blob containers and data, including assigning POSIX access control.", {
      actions: [`${SA}/blobServices/containers/*`, `${SA}/blobServices/generateUserDelegationKey/action`],
      dataActions: [`${SA}/blobServices/containers/blobs/*`],
    }),
  role(ROLE_IDS.StorageBlobDataContributor, "Storage Blob Data Contributor", "Allows for read, write and delete access to Azure Storage blob containers and data", {
    actions: [`${SA}/blobServices/containers/delete`, `${SA}/blobServices/containers/read`, `${SA}/blobServices/containers/write`,
      `${SA}/blobServices/generateUserDelegationKey/action`],
    dataActions: [`${SA}/blobServices/containers/blobs/delete`, `${SA}/blobServices/containers/blobs/read`,
      `${SA}/blobServices/containers/blobs/write`, `${SA}/blobServices/containers/blobs/move/action`, `${SA}/blobServices/containers/blobs/add/action`],
  }),
  role(ROLE_IDS.StorageBlobDataReader, "Storage Blob Data Reader", "Allows for read access to Azure Storage blob containers and data", {
    actions: [`${SA}/blobServices/containers/read`, `${SA}/blobServices/generateUserDelegationKey/action`],
    dataActions: [`${SA}/blobServices/containers/blobs/read`],
  }),
  role(ROLE_IDS.StorageQueueDataContributor, "Storage Queue Data Contributor", "Allows for read, write, and delete access to Azure Storage queues and queue messages", {
    actions: [`${SA}/queueServices/queues/delete`, `${SA}/queueServices/queues/read`, `${SA}/queueServices/queues/write`],
    dataActions: [`${SA}/queueServices/queues/messages/delete`, `${SA}/queueServices/queues/messages/read`,
      `${SA}/queueServices/queues/messages/write`, `${SA}/queueServices/queues/messages/process/action`, `${SA}/queueServices/queues/messages/add/action`],
  }),
  role(ROLE_IDS.StorageQueueDataReader, "Storage Queue Data Reader", "Allows for read access to Azure Storage queues and queue messages", {
    actions: [`${SA}/queueServices/queues/read`],
    dataActions: [`${SA}/queueServices/queues/messages/read`],
  }),
  role(ROLE_IDS.StorageTableDataContributor, "Storage Table Data Contributor", "Allows for read, write and delete access to Azure Storage tables and entities", {
    actions: [`${SA}/tableServices/tables/read`, `${SA}/tableServices/tables/write`, `${SA}/tableServices/tables/delete`],
    dataActions: [`${SA}/tableServices/tables/entities/read`, `${SA}/tableServices/tables/entities/write`, `${SA}/tableServices/tables/entities/delete`,
      `${SA}/tableServices/tables/entities/add/action`, `${SA}/tableServices/tables/entities/update/action`],
  }),
  role(ROLE_IDS.StorageTableDataReader, "Storage Table Data Reader", "Allows for read access to Azure Storage tables and entities", {
    actions: [`${SA}/tableServices/tables/read`],
    dataActions: [`${SA}/tableServices/tables/entities/read`],
  }),
  role(ROLE_IDS.StorageFileDataPrivilegedContributor, "Storage File Data Privileged Contributor",
    "Allows for read, write, delete, and modify ACLs on files/directories in Azure file shares by overriding existing ACLs/NTFS permissions.", {
      dataActions: [`${SA}/fileServices/fileshares/files/read`, `${SA}/fileServices/fileshares/files/write`, `${SA}/fileServices/fileshares/files/delete`,
        `${SA}/fileServices/fileshares/files/modifypermissions/action`, `${SA}/fileServices/readFileBackupSemantics/action`,
        `${SA}/fileServices/writeFileBackupSemantics/action`],
    }),
  role(ROLE_IDS.KeyVaultSecretsUser, "Key Vault Secrets User", "Read secret contents. Only works for key vaults that use the 'Azure role-based access control' permission model.", {
    dataActions: ["Microsoft.KeyVault/vaults/secrets/getSecret/action", "Microsoft.KeyVault/vaults/secrets/readMetadata/action"],
  }),
  role(ROLE_IDS.KeyVaultSecretsOfficer, "Key Vault Secrets Officer", "Perform any action on the secrets of a key vault, except manage permissions. Only works for key vaults that use the 'Azure role-based access control' permission model.", {
    actions: KV_READ_ACTIONS, dataActions: ["Microsoft.KeyVault/vaults/secrets/*"],
  }),
  role(ROLE_IDS.KeyVaultAdministrator, "Key Vault Administrator", "Perform all data plane operations on a key vault and all objects in it, including certificates, keys, and secrets. Cannot manage key vault resources or manage role assignments. Only works for key vaults that use the 'Azure role-based access control' permission model.", {
    actions: KV_READ_ACTIONS, dataActions: ["Microsoft.KeyVault/vaults/*"],
  }),
  role(ROLE_IDS.KeyVaultCertificateUser, "Key Vault Certificate User", "Read entire certificate contents including secret and key portion. Only works for key vaults that use the 'Azure role-based access control' permission model.", {
    dataActions: ["Microsoft.KeyVault/vaults/certificates/read", "Microsoft.KeyVault/vaults/secrets/getSecret/action",
      "Microsoft.KeyVault/vaults/secrets/readMetadata/action", "Microsoft.KeyVault/vaults/keys/read"],
  }),
  role(ROLE_IDS.AppConfigurationDataOwner, "App Configuration Data Owner", "Allows full access to App Configuration data.", {
    dataActions: ["Microsoft.AppConfiguration/configurationStores/*/read", "Microsoft.AppConfiguration/configurationStores/*/write",
      "Microsoft.AppConfiguration/configurationStores/*/delete", "Microsoft.AppConfiguration/configurationStores/*/action"],
  }),
  role(ROLE_IDS.AppConfigurationDataReader, "App Configuration Data Reader", "Allows read access to App Configuration data.", {
    dataActions: ["Microsoft.AppConfiguration/configurationStores/*/read"],
  }),
  role(ROLE_IDS.SignalRAppServer, "SignalR App Server", "Lets your app server access SignalR Service with AAD auth options.", {
    dataActions: ["Microsoft.SignalRService/SignalR/auth/accessKey/action", "Microsoft.SignalRService/SignalR/serverConnection/write",
      "Microsoft.SignalRService/SignalR/clientConnection/write"],
  }),
  role(ROLE_IDS.AcrPull, "AcrPull", "acr pull", { actions: ["Microsoft.ContainerRegistry/registries/pull/read"] }),
];

export const BUILTIN_ROLES: RoleDefinitionData[] = [...CORE_ROLES, ...TARGET_ROLES];

/** Actions that are data actions (granted only through dataActions, never by `*` in actions). */
const DATA_ACTION_PATTERNS: RegExp[] = [
  /^Microsoft\.Storage\/storageAccounts\/blobServices\/containers\/blobs\//i,
  /^Microsoft\.Storage\/storageAccounts\/queueServices\/queues\/messages\//i,
  /^Microsoft\.Storage\/storageAccounts\/tableServices\/tables\/entities\//i,
  /^Microsoft\.Storage\/storageAccounts\/fileServices\/fileshares\/files\//i,
  /^Microsoft\.Storage\/storageAccounts\/fileServices\/(readFileBackupSemantics|writeFileBackupSemantics)\/action$/i,
  /^Microsoft\.KeyVault\/vaults\/(secrets|keys|certificates|certificatecas|certificatecontacts|keyrotationpolicies|deletedSecrets|deletedKeys|deletedCertificates)\/.*\/action$/i,
  /^Microsoft\.KeyVault\/vaults\/(secrets\/delete|keys\/(read|write|delete)|certificates\/(read|delete))$/i,
  /^Microsoft\.AppConfiguration\/configurationStores\/(keyValues|snapshots)\//i,
  /^Microsoft\.SignalRService\/SignalR\/(auth|serverConnection|clientConnection|user|group|hub)\//i,
  ...TARGET_DATA_ACTION_PATTERNS,
];

export function isDataAction(action: string): boolean {
  return DATA_ACTION_PATTERNS.some((p) => p.test(action));
}
