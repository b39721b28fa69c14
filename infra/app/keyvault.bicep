// linkwright's Key Vault (RBAC mode): its one secret of its own, the seal key (LINKWRIGHT_SEAL_KEY is a Key Vault
// reference to it, resolved by the app's identity: Key Vault Secrets User, rbac.bicep). There is no storage key to
// keep here any more: the storage account is keyless (storage.bicep).
targetScope = 'resourceGroup'

@minLength(3)
@maxLength(24)
param name string

param location string
param tags object = {}

@description('LINKWRIGHT_SEAL_KEY: ≥ 32 random characters that seal secret-bearing values.')
@secure()
@minLength(32)
param sealKey string

@description('Name of the seal key\'s secret.')
param sealKeySecretName string

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
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

@description('Name of the vault.')
output name string = vault.name

@description('Resource id of the vault.')
output id string = vault.id

@description('URI of the vault (ends in /): Key Vault references name secrets under it.')
output uri string = vault.properties.vaultUri
