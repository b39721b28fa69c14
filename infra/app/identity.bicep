// linkwright's own identity: a user-assigned managed identity, created before the app so that its roles (rbac.bicep)
// and its place as the app registration's federated credential (app-registration.bicep) exist when the app starts.
// The function app runs as it (api.bicep); the code is told its client id (LINKWRIGHT_IDENTITY_CLIENT_ID,
// AzureWebJobsStorage__clientId, APPLICATIONINSIGHTS_AUTHENTICATION_STRING) and its name (LINKWRIGHT_IDENTITY_NAME:
// the display name a database server's Microsoft Entra admin must have).
targetScope = 'resourceGroup'

@description('Name of the identity (by default the function app\'s name, so that the database-admin commands linkwright prints name what the portal shows).')
param name string

param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

@description('Resource id of the identity.')
output id string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Client (application) id of the identity.')
output clientId string = identity.properties.clientId

@description('Object (principal) id of the identity: what role assignments and the federated credential name.')
output principalId string = identity.properties.principalId
