// linkwright's storage account: Durable Functions' task hub, linkwright's tables and queues, the Functions host's own
// blobs, and the container the app's package is deployed to. Keyless: shared-key access is off, so no connection
// string or account key exists for anyone to hold; the app reaches it as its managed identity (AzureWebJobsStorage__*
// settings, api.bicep; data roles, rbac.bicep), Event Grid as its topic's identity (event-queues.bicep). No Azure
// Files share: Flex Consumption runs from the deployment container, Elastic Premium from a package URL in it.
targetScope = 'resourceGroup'

@minLength(3)
@maxLength(24)
param name string

param location string
param tags object = {}

@description('Blob container holding the deployment package (Flex Consumption: functionAppConfig.deployment; Elastic Premium: WEBSITE_RUN_FROM_PACKAGE).')
param deploymentContainerName string

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    supportsHttpsTrafficOnly: true
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowCrossTenantReplication: false
    accessTier: 'Hot'
    dnsEndpointType: 'Standard'
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobServices 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobServices
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

@description('Name of the storage account.')
output name string = storage.name

@description('Resource id of the storage account.')
output id string = storage.id
