// linkwright: the one-time deployment a platform team runs, as an azd template (azure.yaml, main.parameters.json) or
// by hand (subscription scope: it creates the resource group):
//
//   azd up                                   # prompts for the environment name, subscription and region
//   az deployment sub create -l <region> -f infra/main.bicep -p environmentName=<name> location=<region> sealKey=<≥32 random chars>
//
// It composes infra/app/*.bicep into one resource group:
//   identity.bicep          linkwright's user-assigned identity: what the app runs as, and its only credential
//   monitoring.bicep        Log Analytics, Application Insights (local authentication off)
//   storage.bicep           the storage account, keyless (shared-key access off), with the deployment container
//   keyvault.bicep          the Key Vault (RBAC mode) holding the seal key, linkwright's one secret
//   rbac.bicep              the identity's data roles on those three, granted before the app starts
//   app-registration.bicep  linkwright's app registration in Microsoft Entra ID: the audience callers get tokens for,
//                           its scope and app role, the identity as its federated credential
//   api.bicep               the function app (Flex Consumption, or Elastic Premium: hostingPlan) and its app settings
//   resource-events.bicep   this subscription's Event Grid system topic delivering resource events to linkwright's
//                           queues (infra/event-subscriptions.json, which `npm start` registers with the sandbox too)
// infra/subscription-roles.bicep then grants the identity the roles it needs on the scopes it manages.
// infra/README.md explains every parameter; test/infra/*.test.ts keep the app settings in step with the settings the
// code reads, and the roles with what the code needs.
targetScope = 'subscription'

// ---------------------------------------------------------------------------------------------------------------
// Parameters
// ---------------------------------------------------------------------------------------------------------------

@description('Name of the environment (azd: AZURE_ENV_NAME): names the resource group and seeds the unique resource names.')
@minLength(1)
@maxLength(64)
param environmentName string

@description('Region of every resource (azd: AZURE_LOCATION); Flex Consumption is not offered in every region (az functionapp list-flexconsumption-locations).')
@minLength(1)
@metadata({
  azd: {
    type: 'location'
  }
})
param location string

@description('Resource group to create (or update).')
param resourceGroupName string = 'rg-${environmentName}'

@description('Name of the function app (a global DNS name: <name>.azurewebsites.net).')
@minLength(2)
@maxLength(60)
param functionAppName string = 'linkwright-${uniqueString(subscription().id, environmentName, location)}'

@description('Name of linkwright\'s user-assigned identity (its display name, which a database server\'s Microsoft Entra admin must carry).')
param identityName string = functionAppName

@description('Name of the storage account (Durable state, linkwright\'s tables and queues, the deployment package).')
@minLength(3)
@maxLength(24)
param storageAccountName string = 'stlw${uniqueString(subscription().id, environmentName, location)}'

@description('Name of the Key Vault (RBAC mode) holding the seal key.')
@minLength(3)
@maxLength(24)
param keyVaultName string = 'kv-lw-${uniqueString(subscription().id, environmentName, location)}'

@description('FlexConsumption (default: scale to zero, always-ready HTTP instances) or ElasticPremium (VNet-heavy installations; the package is uploaded by hand, infra/README.md).')
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
param planSku string = 'EP1'

@description('Always-ready instances: of the HTTP function group on Flex Consumption (0 = scale to zero), of the app on Elastic Premium (at least 1).')
@minValue(0)
@maxValue(20)
param alwaysReadyInstances int = 1

@description('Most instances the app scales out to (Flex Consumption: 40–1000; Elastic Premium: up to 100).')
@minValue(1)
@maxValue(1000)
param maximumInstances int = 100

@description('Memory of a Flex Consumption instance, in MB.')
@allowed([
  512
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Subnet for the app\'s outbound VNet integration (database servers reachable only privately); empty = none. Flex Consumption: delegated to Microsoft.App/environments; Elastic Premium: to Microsoft.Web/serverFarms.')
param virtualNetworkSubnetId string = ''

@description('Days Log Analytics keeps linkwright\'s logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('LINKWRIGHT_OPENID_ISSUER: the OpenID issuer whose keys sign callers\' bearer tokens. For this tenant both its v2.0 issuer and its v1.0 issuer (https://sts.windows.net/<tenant>/, what linkwright\'s v1.0 tokens carry) are accepted.')
param openIdIssuer string = 'https://login.microsoftonline.com/${tenant().tenantId}/v2.0'

@description('uniqueName and display name of linkwright\'s app registration in Microsoft Entra ID (its key: re-deploying updates the same registration); empty = the function app\'s name.')
@maxLength(120)
param appRegistrationName string = ''

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

@description('LINKWRIGHT_SEAL_KEY: ≥ 32 random characters that seal secret-bearing values. Stored only in Key Vault (azd: generated once into the azd environment by infra/seal-key.mjs).')
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

@description('Tags on every resource (azd-env-name is added).')
param tags object = {
  application: 'linkwright'
}

// ---------------------------------------------------------------------------------------------------------------
// Variables
// ---------------------------------------------------------------------------------------------------------------

var allTags = union(tags, { 'azd-env-name': environmentName })
var registrationName = empty(appRegistrationName) ? functionAppName : appRegistrationName
var sealKeySecretName = 'linkwright-seal-key'
var deploymentContainerName = 'app-package'

// ---------------------------------------------------------------------------------------------------------------
// Resources
// ---------------------------------------------------------------------------------------------------------------

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: resourceGroupName
  location: location
  tags: allTags
}

module appIdentity 'app/identity.bicep' = {
  name: 'linkwright-identity'
  scope: rg
  params: {
    name: identityName
    location: location
    tags: allTags
  }
}

module monitoring 'app/monitoring.bicep' = {
  name: 'linkwright-monitoring'
  scope: rg
  params: {
    logAnalyticsName: '${functionAppName}-logs'
    applicationInsightsName: '${functionAppName}-ai'
    location: location
    tags: allTags
    logRetentionDays: logRetentionDays
  }
}

module storage 'app/storage.bicep' = {
  name: 'linkwright-storage'
  scope: rg
  params: {
    name: storageAccountName
    location: location
    tags: allTags
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'app/keyvault.bicep' = {
  name: 'linkwright-keyvault'
  scope: rg
  params: {
    name: keyVaultName
    location: location
    tags: allTags
    sealKey: sealKey
    sealKeySecretName: sealKeySecretName
  }
}

// The identity's roles on its own storage, Application Insights and Key Vault, before the app first starts.
module rbac 'app/rbac.bicep' = {
  name: 'linkwright-rbac'
  scope: rg
  params: {
    principalId: appIdentity.outputs.principalId
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    keyVaultName: keyVault.outputs.name
  }
}

// linkwright's app registration: the audience callers get tokens for, the scope users' tokens carry, the app role
// applications' tokens carry, and linkwright's identity as its federated credential (on-behalf-of without a secret).
module appRegistration 'app/app-registration.bicep' = {
  name: 'linkwright-app-registration'
  scope: rg
  params: {
    uniqueName: registrationName
    managedIdentityPrincipalId: appIdentity.outputs.principalId
    appIdentifierUri: appIdentifierUri
    preAuthorizeAzureTools: preAuthorizeAzureTools
    appRoleAssignees: appRoleAssignees
    grantArmConsent: grantArmConsent
  }
}

// linkwright's own app settings, names exactly as the code reads them (src/config/settings.ts, src/api/deps.ts,
// src/health/from-settings.ts, src/loops/loop-settings.ts, src/databases/settings.ts), values the code's own defaults;
// app/api.bicep adds the platform's (AzureWebJobsStorage__*, Application Insights, on Elastic Premium the runtime).
// Deliberately not set: LINKWRIGHT_STORAGE (the tables share AzureWebJobsStorage's account),
// LINKWRIGHT_APP_CERTIFICATE_PATH (the registration's credential is the managed identity, a federated credential);
// WEBSITE_SITE_NAME and WEBSITE_OWNER_NAME are provided by the platform.
var appSettings = {
  // linkwright's tables and queues: on AzureWebJobsStorage's account (AzureWebJobsStorage__*, app/api.bicep)
  LINKWRIGHT_STORAGE_ALLOW_INSECURE: 'false'
  LINKWRIGHT_TABLE_PREFIX: tablePrefix
  // linkwright's own identity (user-assigned): its ARM calls, the federated credential, its name in fix commands
  LINKWRIGHT_IDENTITY_CLIENT_ID: appIdentity.outputs.clientId
  LINKWRIGHT_IDENTITY_NAME: appIdentity.outputs.name
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
  // Sealing: a Key Vault reference (the latest version), resolved as the identity
  LINKWRIGHT_SEAL_KEY: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.uri}secrets/${sealKeySecretName}/)'
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

// The app starts once its identity holds its roles (rbac), so its first start finds its storage, its telemetry and its
// Key Vault reference usable.
module api 'app/api.bicep' = {
  name: 'linkwright-api'
  scope: rg
  params: {
    name: functionAppName
    location: location
    tags: allTags
    hostingPlan: hostingPlan
    elasticPremiumSku: planSku
    alwaysReadyInstances: alwaysReadyInstances
    maximumInstances: maximumInstances
    instanceMemoryMB: instanceMemoryMB
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    identityId: appIdentity.outputs.id
    identityClientId: appIdentity.outputs.clientId
    virtualNetworkSubnetId: virtualNetworkSubnetId
    appSettings: appSettings
  }
  dependsOn: [
    rbac
  ]
}

// Resource events: this subscription's Azure Resource Manager events delivered to linkwright's health-events and
// loop-scan-events queues (infra/event-subscriptions.json), by the system topic's own identity (Storage Queue Data
// Message Sender on those queues only).
module resourceEventsWiring 'app/resource-events.bicep' = if (resourceEvents) {
  name: 'linkwright-resource-events'
  scope: rg
  params: {
    storageAccountId: storage.outputs.id
    systemTopicName: resourceEventsTopicName
    tags: allTags
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Outputs (azd keeps them in the environment: azd env get-value <name>)
// ---------------------------------------------------------------------------------------------------------------

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output SERVICE_API_NAME string = api.outputs.name

@description('Name of the function app.')
output functionAppName string = api.outputs.name

@description('Resource id of the function app.')
output functionAppId string = api.outputs.id

@description('Host name of the function app: the ServiceLinker API base URL is https://<hostname>.')
output hostname string = api.outputs.hostname

@description('Object id of linkwright\'s user-assigned identity: pass it to infra/subscription-roles.bicep.')
output principalId string = appIdentity.outputs.principalId

@description('Client id of linkwright\'s user-assigned identity.')
output identityClientId string = appIdentity.outputs.clientId

@description('Name of the Key Vault holding linkwright\'s seal key.')
output keyVaultName string = keyVault.outputs.name

@description('Name of the storage account.')
output storageAccountName string = storage.outputs.name

@description('Elastic Premium: the package blob URL to upload new versions to (infra/README.md); empty on Flex Consumption.')
output packageUrl string = api.outputs.packageUrl

@description('Application (client) id of linkwright\'s app registration (LINKWRIGHT_APP_CLIENT_ID).')
output appClientId string = appRegistration.outputs.clientId

@description('Audience callers request tokens for (LINKWRIGHT_AUDIENCE): az rest --resource <audience>, SDK scope <audience>/.default.')
output audience string = appRegistration.outputs.audience

@description('Resource id of the Event Grid system topic delivering resource events (empty when resourceEvents is false).')
output resourceEventsTopicId string = resourceEvents ? resourceEventsWiring!.outputs.systemTopicId : ''
