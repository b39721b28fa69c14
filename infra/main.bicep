// linkwright: the one-time deployment a platform team runs (resource-group scope).
//
//   az deployment group create -g <rg> -f infra/main.bicep -p sealKey=<≥32 random chars> [appRoleAssignees=…]
//
// Deploys the Functions app that serves the Microsoft.ServiceLinker-compatible API, with its storage, monitoring,
// Key Vault and system-assigned identity, and linkwright's app registration in Microsoft Entra ID
// (app/app-registration.bicep: the audience callers get tokens for, its scope and app role, the managed identity
// as its federated credential), and the Event Grid system topic that delivers this subscription's resource events to
// linkwright's queues (app/resource-events.bicep, built from infra/event-subscriptions.json, which `npm start`
// registers with the sandbox too). infra/subscription-roles.bicep then grants the identity the roles it needs on the
// scopes it manages. infra/README.md explains every parameter; test/infra/infra.test.ts keeps the app
// settings below in step with the settings the code reads.
//
// Hosting plan: Elastic Premium (EP1 by default), Linux, not Flex Consumption, because
//   - Flex Consumption rejects the site-level runtime model this app is configured with (linuxFxVersion 'Node|20',
//     FUNCTIONS_EXTENSION_VERSION / FUNCTIONS_WORKER_RUNTIME app settings); Flex takes the runtime from
//     functionAppConfig instead, and its Durable Functions support is the newer, narrower one;
//   - linkwright is an ARM-facing control plane: callers poll Azure-AsyncOperation URLs and the health / loop timers
//     run on schedule, so an always-ready instance (no cold start) matters more than scale to zero;
//   - Premium gives VNet integration, which the database-user step needs for servers reachable only privately, and
//     no execution-time cap on activities (a role-propagation wait or a large revalidation batch can be long).
// Durable Functions (Azure Storage backend) keeps its state in AzureWebJobsStorage on either plan.
//
// Storage access: linkwright's own tables and queues are opened from a connection string (src/api/deps.ts reads
// AzureWebJobsStorage with required(), src/store/tableClients.ts uses TableClient.fromConnectionString, the health
// and loop publishers use QueueClient(connectionString)); it does not understand the identity-based
// `AzureWebJobsStorage__accountName` form. So AzureWebJobsStorage is a full connection string, kept in Key Vault and
// referenced with @Microsoft.KeyVault(...) — never a plain-text value in the site's configuration. Shared-key access
// therefore stays enabled on the account; see infra/README.md for the change that would allow identity-based storage.
targetScope = 'resourceGroup'

// ---------------------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------------------

@description('Region of every resource. Default: the resource group\'s.')
param location string = resourceGroup().location

@description('Name of the function app (a global DNS name: <name>.azurewebsites.net).')
@minLength(2)
@maxLength(60)
param functionAppName string = 'linkwright-${uniqueString(resourceGroup().id)}'

@description('Name of the storage account (Durable state, linkwright tables and queues, the content share).')
@minLength(3)
@maxLength(24)
param storageAccountName string = 'stlw${uniqueString(resourceGroup().id)}'

@description('Name of the Key Vault (RBAC mode) holding the seal key and the storage connection string.')
@minLength(3)
@maxLength(24)
param keyVaultName string = 'kv-lw-${uniqueString(resourceGroup().id)}'

@description('Elastic Premium plan size.')
@allowed([
  'EP1'
  'EP2'
  'EP3'
])
param planSku string = 'EP1'

@description('Always-ready instances (no cold start for the API).')
@minValue(1)
@maxValue(20)
param alwaysReadyInstances int = 1

@description('Maximum number of instances the plan scales out to.')
@minValue(1)
@maxValue(100)
param maximumInstances int = 20

@description('Days Log Analytics keeps linkwright\'s logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('LINKWRIGHT_OPENID_ISSUER: the OpenID issuer whose keys sign callers\' bearer tokens. For this tenant both its v2.0 issuer and its v1.0 issuer (https://sts.windows.net/<tenant>/, what linkwright\'s v1.0 tokens carry) are accepted.')
param openIdIssuer string = 'https://login.microsoftonline.com/${tenant().tenantId}/v2.0'

@description('uniqueName and display name of linkwright\'s app registration in Microsoft Entra ID (its key: re-deploying updates the same registration).')
@minLength(1)
@maxLength(120)
param appRegistrationName string = functionAppName

@description('LINKWRIGHT_AUDIENCE: the registration\'s identifier URI, the audience of callers\' tokens; empty = api://<tenant id>/<appRegistrationName>. Set api://<appClientId output> on a second deployment for the api://<appId> form (infra/README.md, "Callers and authorization").')
param appIdentifierUri string = ''

@description('Pre-authorize the Azure CLI and Azure PowerShell for linkwright\'s user_impersonation scope, so their users are not asked to consent (other clients need user or admin consent).')
param preAuthorizeAzureTools bool = true

@description('Object ids of service principals (CI pipelines, automation) that call linkwright as themselves: given the app role Connections.ReadWrite.')
param appRoleAssignees string[] = []

@description('Grant tenant-wide consent for linkwright to call ARM on behalf of its users (needed for on-behalf-of; needs a deployer who may grant it). false = an administrator grants it afterwards.')
param grantArmConsent bool = true

@description('LINKWRIGHT_ACCEPT_ARM_TOKENS: also accept tokens for ARM\'s audience as the caller\'s credential. Only behind something that forwards callers\' ARM tokens (an ARM-style front end); anyone holding a user\'s ARM token (any ARM client) could then call linkwright directly.')
param acceptArmTokens bool = false

@description('LINKWRIGHT_PERMISSION_CACHE_SECONDS: how long a caller\'s permissions at a scope are reused; 0 = never.')
@minValue(0)
param permissionCacheSeconds int = 30

@description('LINKWRIGHT_ALLOWED_ROLES: role definition GUIDs connections may assign beyond the catalogue\'s (with the constrained RBAC Administrator, add them to subscription-roles.bicep assignableRoleIds too).')
param allowedRoles string[] = []

@description('LINKWRIGHT_DENIED_SETTINGS: app setting name patterns connections may never write, beyond the built-in list.')
param deniedSettings string[] = []

@description('LINKWRIGHT_SEAL_KEY: ≥ 32 random characters that seal secret-bearing values. Stored only in Key Vault.')
@secure()
@minLength(32)
param sealKey string

@description('LINKWRIGHT_ARM_ENDPOINT: the ARM endpoint linkwright calls (this cloud\'s by default).')
param armEndpoint string = environment().resourceManager

@description('LINKWRIGHT_ARM_AUDIENCE: the audience of ARM tokens (this cloud\'s ARM endpoint by default).')
param armAudience string = environment().resourceManager

@description('LINKWRIGHT_REGION: region segment of operation-status URLs.')
param operationRegion string = 'global'

@description('LINKWRIGHT_PAGE_SIZE: default page size of list operations.')
@minValue(1)
param pageSize int = 100

@description('LINKWRIGHT_TABLE_PREFIX: table-name prefix (letters and digits, starting with a letter), to share a storage account.')
param tablePrefix string = ''

@description('LINKWRIGHT_HEALTH_SCHEDULE: NCRONTAB of the connection revalidation timer.')
param healthSchedule string = '0 */15 * * * *'

@description('LINKWRIGHT_AUTOHEAL_DEFAULT: re-apply drifted connections that do not set state.autoHeal themselves.')
param autoHealDefault bool = false

@description('LINKWRIGHT_HEALTH_EVENT_WINDOW_MS: debounce window for bursts of resource-change events.')
@minValue(1)
param healthEventWindowMs int = 500

@description('LINKWRIGHT_HEALTH_PAGE_SIZE: linkers read per store page during a revalidation run.')
@minValue(1)
param healthPageSize int = 500

@description('LINKWRIGHT_ROLE_PROPAGATION_SECONDS: how long a new role assignment that is not yet visible counts as propagating; 0 = the code\'s defaults (validateLinker waits up to 2 minutes, revalidation treats 8 minutes as propagating).')
@minValue(0)
param rolePropagationSeconds int = 0

@description('LINKWRIGHT_LOOP_SCAN_SCHEDULE: NCRONTAB of the loop-detection timer.')
param loopScanSchedule string = '0 0 */6 * * *'

@description('LINKWRIGHT_LOOP_SCAN_SUBSCRIPTIONS: subscription ids the loop timer scans; empty = linkwright\'s own subscription.')
param loopScanSubscriptions string[] = []

@description('LINKWRIGHT_LOOP_SCAN_CONCURRENCY: function apps read at once during a loop scan (1–64).')
@minValue(1)
@maxValue(64)
param loopScanConcurrency int = 8

@description('LINKWRIGHT_LOOP_ALLOWLIST: intentional recursion, [{ appId, function }] and/or [{ linkerId }].')
param loopAllowList array = []

@description('LINKWRIGHT_DATABASE_ENDPOINTS: {"<server fqdn>": "host:port"} routes for database servers reached other than by their FQDN.')
param databaseEndpoints object = {}

@description('LINKWRIGHT_DATABASE_TIMEOUT_MS: connect and per-statement timeout of the database-user step.')
@minValue(1)
param databaseTimeoutMs int = 15000

@description('Deliver this subscription\'s resource events to linkwright (app/resource-events.bicep: an Event Grid system topic, the event subscriptions of infra/event-subscriptions.json, their queues). false when the subscription\'s system topic lives in another resource group (deploy the module there) or is managed elsewhere (infra/README.md, "Resource events").')
param resourceEvents bool = true

@description('Name of the subscription\'s Event Grid system topic for resource events, created in this resource group. A subscription has at most one: name an existing one here if it is in this resource group; elsewhere, set resourceEvents=false and deploy app/resource-events.bicep into its resource group with its name.')
@minLength(3)
@maxLength(128)
param resourceEventsTopicName string = '${functionAppName}-resource-events'

@description('Tags on every resource.')
param tags object = {
  application: 'linkwright'
}

// ---------------------------------------------------------------------------------------------------------------
// Variables
// ---------------------------------------------------------------------------------------------------------------

// Built-in role definition GUIDs (checked against the emulator's built-in roles by test/infra/infra.test.ts).
var roleIds = {
  keyVaultSecretsUser: '4633458b-17de-408a-b874-0445c86b69e6'
}

// Azure Files share names: lower case, 3–63 characters.
var contentShareName = take(toLower(functionAppName), 63)

var sealKeySecretName = 'linkwright-seal-key'
var storageConnectionSecretName = 'storage-connection-string'

// ---------------------------------------------------------------------------------------------------------------
// Monitoring
// ---------------------------------------------------------------------------------------------------------------

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${functionAppName}-logs'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${functionAppName}-ai'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Storage
// ---------------------------------------------------------------------------------------------------------------

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: storageAccountName
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
    // Required: linkwright's table/queue clients and the Elastic Premium content share use the account key
    // (see the header comment). The key only ever leaves ARM into Key Vault.
    allowSharedKeyAccess: true
    accessTier: 'Hot'
  }
}

resource fileServices 'Microsoft.Storage/storageAccounts/fileServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

// Created here because WEBSITE_SKIP_CONTENTSHARE_VALIDATION is set (the connection string is a Key Vault reference,
// which the platform cannot resolve while validating the share at creation).
resource contentShare 'Microsoft.Storage/storageAccounts/fileServices/shares@2023-05-01' = {
  parent: fileServices
  name: contentShareName
  properties: {
    shareQuota: 100
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Key Vault (RBAC mode): the seal key and the storage connection string
// ---------------------------------------------------------------------------------------------------------------

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource sealKeySecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: sealKeySecretName
  properties: {
    value: sealKey
    contentType: 'text/plain'
  }
}

resource storageConnectionSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: vault
  name: storageConnectionSecretName
  properties: {
    value: 'DefaultEndpointsProtocol=https;AccountName=${storage.name};AccountKey=${storage.listKeys().keys[0].value};EndpointSuffix=${environment().suffixes.storage}'
    contentType: 'text/plain'
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The function app
// ---------------------------------------------------------------------------------------------------------------

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${functionAppName}-plan'
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    name: planSku
    tier: 'ElasticPremium'
  }
  properties: {
    reserved: true // Linux
    maximumElasticWorkerCount: maximumInstances
  }
}

resource functionApp 'Microsoft.Web/sites@2023-12-01' = {
  name: functionAppName
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    reserved: true
    httpsOnly: true
    clientCertEnabled: false
    siteConfig: {
      linuxFxVersion: 'Node|20'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      minimumElasticInstanceCount: alwaysReadyInstances
      functionAppScaleLimit: maximumInstances
    }
  }
}

// The app's identity reads the two secrets its settings reference.
resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, functionApp.id, roleIds.keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.keyVaultSecretsUser)
    principalId: functionApp.identity.principalId
    principalType: 'ServicePrincipal'
    description: 'linkwright resolves its Key Vault references (seal key, storage connection string).'
  }
}

// linkwright's app registration (app/app-registration.bicep): the audience callers get tokens for, the scope
// users' tokens carry, the app role applications' tokens carry, and this app's identity as its federated credential
// (on-behalf-of exchanges without a secret).
module appRegistration 'app/app-registration.bicep' = {
  name: 'linkwright-app-registration'
  params: {
    uniqueName: appRegistrationName
    managedIdentityPrincipalId: functionApp.identity.principalId
    appIdentifierUri: appIdentifierUri
    preAuthorizeAzureTools: preAuthorizeAzureTools
    appRoleAssignees: appRoleAssignees
    grantArmConsent: grantArmConsent
  }
}

// Resource events: this subscription's Azure Resource Manager events delivered to linkwright's health-events and
// loop-scan-events queues (infra/event-subscriptions.json, which `npm start` registers with the sandbox too), by the
// system topic's own identity (Storage Queue Data Message Sender on those queues only).
module resourceEventsWiring 'app/resource-events.bicep' = if (resourceEvents) {
  name: 'linkwright-resource-events'
  params: {
    storageAccountId: storage.id
    systemTopicName: resourceEventsTopicName
    tags: tags
  }
}

// App settings are written after the identity can read the vault, so the Key Vault references resolve on first
// start. Names exactly as the code reads them (src/config/settings.ts, src/api/deps.ts, src/health/from-settings.ts,
// src/loops/loop-settings.ts, src/databases/settings.ts); values default to the code's own defaults.
// Deliberately not set: LINKWRIGHT_STORAGE (tables share AzureWebJobsStorage), LINKWRIGHT_IDENTITY_CLIENT_ID and
// LINKWRIGHT_IDENTITY_NAME (linkwright runs as its system-assigned identity), LINKWRIGHT_APP_CERTIFICATE_PATH (the
// registration's credential is the managed identity, a federated credential); WEBSITE_SITE_NAME and
// WEBSITE_OWNER_NAME are provided by the platform.
resource appSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // Functions platform
    FUNCTIONS_EXTENSION_VERSION: '~4'
    FUNCTIONS_WORKER_RUNTIME: 'node'
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
    WEBSITE_CONTENTAZUREFILECONNECTIONSTRING: '@Microsoft.KeyVault(SecretUri=${storageConnectionSecret.properties.secretUri})'
    WEBSITE_CONTENTSHARE: contentShare.name
    WEBSITE_SKIP_CONTENTSHARE_VALIDATION: '1'
    WEBSITE_RUN_FROM_PACKAGE: '1'
    // Durable state, linkwright's tables and queues
    AzureWebJobsStorage: '@Microsoft.KeyVault(SecretUri=${storageConnectionSecret.properties.secretUri})'
    LINKWRIGHT_STORAGE_ALLOW_INSECURE: 'false'
    LINKWRIGHT_TABLE_PREFIX: tablePrefix
    // Callers: tokens for linkwright's app registration; users on-behalf-of, applications by the app role
    LINKWRIGHT_OPENID_ISSUER: openIdIssuer
    LINKWRIGHT_AUDIENCE: appRegistration.outputs.audience
    LINKWRIGHT_APP_CLIENT_ID: appRegistration.outputs.clientId
    LINKWRIGHT_REQUIRED_SCOPE: appRegistration.outputs.requiredScope
    LINKWRIGHT_APP_ROLE: appRegistration.outputs.appRole
    LINKWRIGHT_ACCEPT_ARM_TOKENS: acceptArmTokens ? 'true' : 'false'
    LINKWRIGHT_PERMISSION_CACHE_SECONDS: string(permissionCacheSeconds)
    // What connections may do beyond the catalogue
    LINKWRIGHT_ALLOWED_ROLES: join(allowedRoles, ',')
    LINKWRIGHT_DENIED_SETTINGS: join(deniedSettings, ',')
    // Sealing
    LINKWRIGHT_SEAL_KEY: '@Microsoft.KeyVault(SecretUri=${sealKeySecret.properties.secretUri})'
    // ARM
    LINKWRIGHT_ARM_ENDPOINT: armEndpoint
    LINKWRIGHT_ARM_AUDIENCE: armAudience
    LINKWRIGHT_KEYVAULT_DISABLE_CHALLENGE_VERIFICATION: 'false'
    // API
    LINKWRIGHT_REGION: operationRegion
    LINKWRIGHT_PAGE_SIZE: string(pageSize)
    // Connection health
    LINKWRIGHT_HEALTH_SCHEDULE: healthSchedule
    LINKWRIGHT_AUTOHEAL_DEFAULT: autoHealDefault ? 'true' : 'false'
    LINKWRIGHT_HEALTH_EVENT_WINDOW_MS: string(healthEventWindowMs)
    LINKWRIGHT_HEALTH_PAGE_SIZE: string(healthPageSize)
    LINKWRIGHT_ROLE_PROPAGATION_SECONDS: rolePropagationSeconds == 0 ? '' : string(rolePropagationSeconds)
    // Loop detection
    LINKWRIGHT_LOOP_SCAN_SCHEDULE: loopScanSchedule
    LINKWRIGHT_LOOP_SCAN_SUBSCRIPTIONS: join(loopScanSubscriptions, ',')
    LINKWRIGHT_LOOP_SCAN_CONCURRENCY: string(loopScanConcurrency)
    LINKWRIGHT_LOOP_ALLOWLIST: empty(loopAllowList) ? '' : string(loopAllowList)
    // Database users
    LINKWRIGHT_DATABASE_ENDPOINTS: empty(databaseEndpoints) ? '' : string(databaseEndpoints)
    LINKWRIGHT_DATABASE_TIMEOUT_MS: string(databaseTimeoutMs)
  }
  dependsOn: [
    vaultSecretsUser
  ]
}

// ---------------------------------------------------------------------------------------------------------------
// Outputs
// ---------------------------------------------------------------------------------------------------------------

@description('Name of the function app.')
output functionAppName string = functionApp.name

@description('Resource id of the function app.')
output functionAppId string = functionApp.id

@description('Host name of the function app: the ServiceLinker API base URL is https://<hostname>.')
output hostname string = functionApp.properties.defaultHostName

@description('Object id of the app\'s system-assigned identity: pass it to infra/subscription-roles.bicep.')
output principalId string = functionApp.identity.principalId

@description('Name of the Key Vault holding linkwright\'s own secrets.')
output keyVaultName string = vault.name

@description('Application (client) id of linkwright\'s app registration (LINKWRIGHT_APP_CLIENT_ID).')
output appClientId string = appRegistration.outputs.clientId

@description('Audience callers request tokens for (LINKWRIGHT_AUDIENCE): az rest --resource <audience>, SDK scope <audience>/.default.')
output audience string = appRegistration.outputs.audience

@description('Resource id of the Event Grid system topic delivering resource events (empty when resourceEvents is false).')
output resourceEventsTopicId string = resourceEvents ? resourceEventsWiring!.outputs.systemTopicId : ''
