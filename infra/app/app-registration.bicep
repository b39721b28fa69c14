// linkwright's app registration in Microsoft Entra ID (Microsoft Graph Bicep extension, infra/bicepconfig.json).
//
// Every caller is authorized as itself (src/authorization): callers get tokens for THIS registration's audience, and
//   - a user's token must carry the delegated scope user_impersonation (LINKWRIGHT_REQUIRED_SCOPE); linkwright then
//     exchanges it on-behalf-of the user for an ARM token and acts with the user's own Azure permissions;
//   - an application's (app-only) token must carry the app role Connections.ReadWrite (LINKWRIGHT_APP_ROLE); its
//     permissions are read from its role assignments.
// The registration's only credential is linkwright's managed identity, as a federated identity credential (subject =
// linkwright's user-assigned identity, identity.bicep): no client secret, no certificate.
//
// Shapes follow the public Microsoft Graph Bicep samples (microsoftgraph/msgraph-bicep-types quickstart templates,
// "msi-as-a-fic-secretless"); nothing here could be compiled offline — run `az bicep build -f infra/main.bicep`
// (or `azd provision --preview`) where Azure is reachable.
extension microsoftGraphV1

@description('uniqueName of the registration (its idempotent key in Microsoft Graph; immutable) and its display name.')
param uniqueName string

@description('Object (principal) id of linkwright\'s user-assigned identity: the federated credential\'s subject.')
param managedIdentityPrincipalId string

@description('Identifier URI (LINKWRIGHT_AUDIENCE); empty = api://<tenant id>/<uniqueName>. For api://<appId>, deploy once and re-deploy with the appClientId output (infra/README.md).')
param appIdentifierUri string = ''

@description('Pre-authorize the Azure CLI and Azure PowerShell for user_impersonation (their users are not asked to consent).')
param preAuthorizeAzureTools bool = true

@description('Object ids of service principals (CI pipelines, automation) given the app role Connections.ReadWrite.')
param appRoleAssignees string[] = []

@description('Grant tenant-wide (admin) consent for linkwright to call ARM as its users (on-behalf-of needs it).')
param grantArmConsent bool = true

// What the code requires by default (src/config/settings.ts readAuthorizationSettings); main.bicep deploys the same.
var scopeValue = 'user_impersonation'
var appRoleValue = 'Connections.ReadWrite'

var identifierUri = empty(appIdentifierUri) ? 'api://${tenant().tenantId}/${uniqueName}' : appIdentifierUri

// Public clients of Microsoft's own tools (first-party application ids).
var azureToolClientIds = [
  '04b07795-8ddb-461a-bbee-02f9e1bf7b46' // Azure CLI
  '1950a258-227b-4e31-a9cf-717495945fc2' // Azure PowerShell
]
var preAuthorizedClientIds = preAuthorizeAzureTools ? azureToolClientIds : []

// Stable ids: the same on every re-deployment, so a scope or role is never replaced (which would orphan consents
// and assignments).
var scopeId = guid(uniqueName, 'oauth2PermissionScope', scopeValue)
var appRoleId = guid(uniqueName, 'appRole', appRoleValue)

// Azure Resource Manager ("Windows Azure Service Management API") and its delegated scope user_impersonation:
// what the on-behalf-of exchange asks for.
var armAppId = '797f4846-ba00-4fd7-ba43-dac1f8f63013'
var armUserImpersonationId = '41094075-9dad-400e-a0bd-54e686782033'

// The managed identity's tokens (audience api://AzureADTokenExchange) are issued by this tenant's v2.0 issuer.
var federatedIssuer = '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'

resource app 'Microsoft.Graph/applications@v1.0' = {
  uniqueName: uniqueName
  displayName: uniqueName
  description: 'linkwright: self-hosted Microsoft.ServiceLinker API. Callers get tokens for this audience; linkwright acts as them.'
  signInAudience: 'AzureADMyOrg'
  identifierUris: [
    identifierUri
  ]
  api: {
    // v1.0 access tokens: their aud is the identifier URI the caller asked for, which is what LINKWRIGHT_AUDIENCE
    // names (v2.0 tokens would carry the client id instead).
    requestedAccessTokenVersion: 1
    oauth2PermissionScopes: [
      {
        id: scopeId
        value: scopeValue
        type: 'User'
        isEnabled: true
        adminConsentDisplayName: 'Manage service connections as the signed-in user'
        adminConsentDescription: 'Lets the application create, change, validate and delete service connections through linkwright with the signed-in user\'s own Azure permissions.'
        userConsentDisplayName: 'Manage service connections as you'
        userConsentDescription: 'Lets the application create, change, validate and delete service connections through linkwright with your own Azure permissions.'
      }
    ]
    preAuthorizedApplications: [
      for clientId in preAuthorizedClientIds: {
        appId: clientId
        delegatedPermissionIds: [
          scopeId
        ]
      }
    ]
  }
  // Applications only: users are authorized by the scope and their own Azure permissions, never by this role.
  appRoles: [
    {
      id: appRoleId
      value: appRoleValue
      allowedMemberTypes: [
        'Application'
      ]
      isEnabled: true
      displayName: 'Connections.ReadWrite'
      description: 'Call linkwright as this application; what it may change is still decided by its own Azure role assignments.'
    }
  ]
  // The on-behalf-of exchange asks ARM for a token as the user.
  requiredResourceAccess: [
    {
      resourceAppId: armAppId
      resourceAccess: [
        {
          id: armUserImpersonationId
          type: 'Scope'
        }
      ]
    }
  ]
}

// linkwright's managed identity is the registration's credential (no secret to store, rotate or leak).
resource managedIdentityCredential 'Microsoft.Graph/applications/federatedIdentityCredentials@v1.0' = {
  name: '${app.uniqueName}/linkwright-managed-identity'
  description: 'linkwright\'s user-assigned identity (the function app runs as it) signs in as this registration (on-behalf-of exchanges).'
  issuer: federatedIssuer
  subject: managedIdentityPrincipalId
  audiences: [
    'api://AzureADTokenExchange'
  ]
}

resource servicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' = {
  appId: app.appId
}

resource armServicePrincipal 'Microsoft.Graph/servicePrincipals@v1.0' existing = {
  appId: armAppId
}

// Admin consent for linkwright → ARM user_impersonation, for every user (an on-behalf-of exchange cannot show a
// consent prompt). The deployer must be allowed to grant tenant-wide consent (infra/README.md).
resource armConsent 'Microsoft.Graph/oauth2PermissionGrants@v1.0' = if (grantArmConsent) {
  clientId: servicePrincipal.id
  resourceId: armServicePrincipal.id
  consentType: 'AllPrincipals'
  scope: 'user_impersonation'
}

// CI pipelines and other automation that call linkwright as themselves.
resource appRoleAssignments 'Microsoft.Graph/appRoleAssignedTo@v1.0' = [
  for assignee in appRoleAssignees: {
    appRoleId: appRoleId
    principalId: assignee
    resourceId: servicePrincipal.id
  }
]

@description('Application (client) id of the registration: LINKWRIGHT_APP_CLIENT_ID.')
output clientId string = app.appId

@description('Identifier URI, the audience of callers\' tokens: LINKWRIGHT_AUDIENCE.')
output audience string = identifierUri

@description('Delegated scope users\' tokens carry: LINKWRIGHT_REQUIRED_SCOPE.')
output requiredScope string = scopeValue

@description('App role applications\' tokens carry: LINKWRIGHT_APP_ROLE.')
output appRole string = appRoleValue

@description('Object id of the registration\'s service principal (app role assignments, consent).')
output servicePrincipalId string = servicePrincipal.id
