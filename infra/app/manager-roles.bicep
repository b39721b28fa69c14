// linkwright's management roles on one resource group (used by infra/subscription-roles.bicep when the managed
// scopes are resource groups rather than the whole subscription). Same roles, same deterministic names.
targetScope = 'resourceGroup'

@description('Object id of linkwright\'s identity (main.bicep output principalId).')
param principalId string

@description('Role definition GUID that lets linkwright write role assignments (User Access Administrator or Role Based Access Control Administrator).')
param accessRoleId string

@description('ABAC condition on the access role (empty: none).')
param accessCondition string

var contributorRoleId = 'b24988ac-6180-42a0-ab88-20f7382dd24c'

resource contributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, contributorRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', contributorRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'linkwright manages the compute and target resources of its connections.'
  }
}

resource access 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, accessRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', accessRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'linkwright assigns (and removes) the least-privilege roles of its connections.'
    condition: empty(accessCondition) ? null : accessCondition
    conditionVersion: empty(accessCondition) ? null : '2.0'
  }
}
