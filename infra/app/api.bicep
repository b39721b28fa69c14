// linkwright's function app: Linux, Functions v4, Node 20, running as its user-assigned identity (identity.bicep),
// keyless towards its storage and Application Insights. The deployment package is npm run package's (infra/package.ts).
//
// hostingPlan:
//   'FlexConsumption' (default): plan FC1; the runtime, scale and deployment come from functionAppConfig (node 20;
//       always-ready instances for the HTTP function group "http", so the API answers without a cold start; the
//       package in the storage account's deployment container, fetched with the identity). Flex rejects or ignores
//       the settings that configure this on other plans, so none of them is sent here (test/infra/deployment.test.ts
//       lists them). azd deploys to it (azure.yaml).
//   'ElasticPremium': plan EP1–EP3, for installations that need what Premium has and Flex has not (VNet integration
//       through a Microsoft.Web/serverFarms-delegated subnet, more memory per instance, no scale-to-zero at all). Still
//       keyless: no Azure Files content share (it needs an account key); the app runs from the package blob in the
//       deployment container (WEBSITE_RUN_FROM_PACKAGE + the identity that may read it), which you upload yourself
//       (infra/README.md). Premium may scale out more slowly without the content share.
// Durable Functions keeps its task hub (host.json: linkwright) in the storage account on either plan.
targetScope = 'resourceGroup'

@description('Name of the function app (a global DNS name: <name>.azurewebsites.net).')
param name string

param location string
param tags object = {}

@allowed([
  'FlexConsumption'
  'ElasticPremium'
])
param hostingPlan string = 'FlexConsumption'

@description('Elastic Premium plan size (hostingPlan ElasticPremium).')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param elasticPremiumSku string = 'EP1'

@description('Always-ready instances: of the HTTP function group on Flex Consumption (0 = scale to zero), of the whole app on Elastic Premium (at least 1).')
@minValue(0)
@maxValue(20)
param alwaysReadyInstances int = 1

@description('Most instances the app scales out to (Flex Consumption: 40–1000; Elastic Premium: up to 100).')
@minValue(1)
@maxValue(1000)
param maximumInstances int = 100

@description('Memory of a Flex Consumption instance.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

param storageAccountName string

@description('Blob container of the deployment package (storage.bicep).')
param deploymentContainerName string

param applicationInsightsName string

@description('Resource id of linkwright\'s user-assigned identity.')
param identityId string

@description('Client id of linkwright\'s user-assigned identity.')
param identityClientId string

@description('Subnet for outbound VNet integration (Flex Consumption: delegated to Microsoft.App/environments; Elastic Premium: to Microsoft.Web/serverFarms); empty = none.')
param virtualNetworkSubnetId string = ''

@description('linkwright\'s own app settings (main.bicep); the platform\'s are added here.')
param appSettings object

var flex = hostingPlan == 'FlexConsumption'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

var packageContainerUrl = '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'

// Elastic Premium runs from this blob (WEBSITE_RUN_FROM_PACKAGE); Flex Consumption manages its own blobs there.
var packageBlobUrl = '${packageContainerUrl}/linkwright.zip'

var flexPlanSku = {
  name: 'FC1'
  tier: 'FlexConsumption'
}

var elasticPremiumPlanSku = {
  name: elasticPremiumSku
  tier: 'ElasticPremium'
}

// Flex Consumption: the runtime, the scale and the package, instead of app settings and siteConfig.
var functionAppConfig = {
  deployment: {
    storage: {
      type: 'blobContainer'
      value: packageContainerUrl
      authentication: {
        type: 'UserAssignedIdentity'
        userAssignedIdentityResourceId: identityId
      }
    }
  }
  scaleAndConcurrency: {
    alwaysReady: alwaysReadyInstances == 0 ? [] : [
      {
        name: 'http'
        instanceCount: alwaysReadyInstances
      }
    ]
    maximumInstanceCount: maximumInstances
    instanceMemoryMB: instanceMemoryMB
  }
  runtime: {
    name: 'node'
    version: '20'
  }
}

var flexSiteConfig = {
  minTlsVersion: '1.2'
  ftpsState: 'Disabled'
}

var elasticPremiumSiteConfig = {
  linuxFxVersion: 'Node|20'
  minTlsVersion: '1.2'
  scmMinTlsVersion: '1.2'
  ftpsState: 'Disabled'
  http20Enabled: true
  minimumElasticInstanceCount: max(alwaysReadyInstances, 1)
  functionAppScaleLimit: maximumInstances
}

// The Functions host's and Durable Functions' storage, as the identity: the service URIs rather than only the account
// name, so that another cloud's endpoints need no guessing. linkwright's own tables and queues use the same settings.
var hostStorageSettings = {
  AzureWebJobsStorage__blobServiceUri: storage.properties.primaryEndpoints.blob
  AzureWebJobsStorage__queueServiceUri: storage.properties.primaryEndpoints.queue
  AzureWebJobsStorage__tableServiceUri: storage.properties.primaryEndpoints.table
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
}

// Telemetry with Microsoft Entra authentication: the connection string says where, the identity proves who.
var monitoringSettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// Only on Elastic Premium: Flex Consumption takes these from functionAppConfig and rejects or ignores the settings.
var elasticPremiumSettings = {
  FUNCTIONS_EXTENSION_VERSION: '~4'
  FUNCTIONS_WORKER_RUNTIME: 'node'
  WEBSITE_RUN_FROM_PACKAGE: packageBlobUrl
  WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID: identityId
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${name}-plan'
  location: location
  tags: tags
  kind: flex ? 'functionapp' : 'elastic'
  sku: flex ? flexPlanSku : elasticPremiumPlanSku
  properties: {
    reserved: true // Linux
    maximumElasticWorkerCount: flex ? null : maximumInstances
  }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    clientCertEnabled: false
    // Key Vault references (LINKWRIGHT_SEAL_KEY) resolve as the user-assigned identity, not a system-assigned one.
    keyVaultReferenceIdentity: identityId
    virtualNetworkSubnetId: empty(virtualNetworkSubnetId) ? null : virtualNetworkSubnetId
    siteConfig: flex ? flexSiteConfig : elasticPremiumSiteConfig
    functionAppConfig: flex ? functionAppConfig : null
  }
}

resource settings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(appSettings, hostStorageSettings, monitoringSettings, flex ? {} : elasticPremiumSettings)
}

@description('Name of the function app.')
output name string = site.name

@description('Resource id of the function app.')
output id string = site.id

@description('Host name of the function app.')
output hostname string = site.properties.defaultHostName

@description('Elastic Premium: the blob URL the app runs from, where a new package is uploaded; empty on Flex Consumption.')
output packageUrl string = flex ? '' : packageBlobUrl
