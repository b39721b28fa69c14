// The roles linkwright's own identity holds on its own resources, granted before the app exists (main.bicep deploys
// api.bicep after this), so its first start finds them:
//   storage account   Storage Blob Data Owner, Storage Queue Data Contributor, Storage Table Data Contributor: the
//                     Functions host and Durable Functions (AzureWebJobsStorage__*), the deployment package,
//                     linkwright's tables and its connection-health / event queues, all as the identity (no key)
//   Application Insights  Monitoring Metrics Publisher: telemetry with Entra authentication (local auth is off)
//   Key Vault         Key Vault Secrets User: resolving the LINKWRIGHT_SEAL_KEY reference
// What linkwright needs on the scopes it manages is infra/subscription-roles.bicep's.
targetScope = 'resourceGroup'

@description('Object (principal) id of linkwright\'s user-assigned identity.')
param principalId string

param storageAccountName string
param applicationInsightsName string
param keyVaultName string

// Built-in role definition GUIDs (checked against the built-in roles by test/infra/infra.test.ts).
var roleIds = {
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b' // Storage Blob Data Owner
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb' // Monitoring Metrics Publisher
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

resource blobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roleIds.storageBlobDataOwner)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'linkwright: the Functions host\'s blobs (leases, timers, keys) and the deployment package.'
  }
}

resource queueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roleIds.storageQueueDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageQueueDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'linkwright: Durable Functions\' work-item and control queues, the resource-event and connection-health queues.'
  }
}

resource tableDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(storage.id, principalId, roleIds.storageTableDataContributor)
  scope: storage
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageTableDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'linkwright: Durable Functions\' history and instances, linkwright\'s connection, health and loop tables.'
  }
}

resource metricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(appInsights.id, principalId, roleIds.monitoringMetricsPublisher)
  scope: appInsights
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'linkwright sends its telemetry with Microsoft Entra authentication (local authentication is off).'
  }
}

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, principalId, roleIds.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'linkwright resolves its Key Vault reference (the seal key).'
  }
}
