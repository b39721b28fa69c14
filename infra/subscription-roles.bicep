// linkwright: the roles its identity needs on the scopes it manages (subscription scope).
//
//   az deployment sub create -l <region> -f infra/subscription-roles.bicep -p principalId=<main.bicep principalId>
//   (after azd up: principalId=$(azd env get-value principalId))
//
// Run it once per subscription linkwright manages (and again when that set changes). With resourceGroupNames empty
// the roles apply to the whole subscription; otherwise only to the listed resource groups of this subscription.
//
// What linkwright does with them: Contributor to turn on identities, write app settings / Container Apps secrets,
// open target firewalls and read keys; a role-assignment-writing role to grant each connection's least-privilege role
// and to remove it again on delete or compensation.
//
// accessRole picks that second role:
//   'RoleBasedAccessControlAdministrator' (default, least privilege): may write and delete role assignments, but an
//       ABAC condition restricts it to the roles in assignableRoleIds (by default exactly the default roles of
//       linkwright's catalogue, src/catalogue) and, when writing, to service principals (managed identities, which
//       is all linkwright ever assigns to). A compromised linkwright identity can hand out those data roles, never
//       Owner or User Access Administrator. Trade-off: a connection whose `authInfo.roles` names any other role fails
//       at the role-assignment step with AuthorizationFailed until that role GUID is added to assignableRoleIds and
//       this file is re-deployed; a catalogue update that adds a target role needs the same
//       (test/infra/infra.test.ts fails until the default list covers the catalogue).
//   'UserAccessAdministrator' (opt-in): may assign ANY role, Owner included, to anyone, on the scope. Every
//       `authInfo.roles` a caller names works, but a compromised linkwright identity could make any principal Owner
//       of every managed scope.
targetScope = 'subscription'

@description('Object id of linkwright\'s identity: the principalId output of infra/main.bicep.')
param principalId string

@description('Which role lets linkwright write role assignments (see the header comment for the trade-off).')
@allowed([
  'RoleBasedAccessControlAdministrator'
  'UserAccessAdministrator'
])
param accessRole string = 'RoleBasedAccessControlAdministrator'

@description('Resource groups of this subscription linkwright manages; empty = the whole subscription.')
param resourceGroupNames string[] = []

@description('With accessRole RoleBasedAccessControlAdministrator (the default): the role definition GUIDs linkwright may assign and remove. Default: every default role of the catalogue.')
param assignableRoleIds string[] = [
  'ba92f5b4-2d11-453d-a403-e96b0029c9fe' // Storage Blob Data Contributor
  '974c5e8b-45b9-4653-ba55-5f855dd0fb88' // Storage Queue Data Contributor
  '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3' // Storage Table Data Contributor
  '4633458b-17de-408a-b874-0445c86b69e6' // Key Vault Secrets User
  'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba' // Key Vault Certificate User
  '516239f1-63e1-4d78-a4de-a74fb236a071' // App Configuration Data Reader
  '5bd9cd88-fe45-4216-938b-f97437e15450' // DocumentDB Account Contributor
  '2b629674-e913-4c01-ae53-ef4638d8f975' // Azure Event Hubs Data Sender
  'a638d3c7-ab3a-418d-83e6-5f17a39d4fde' // Azure Event Hubs Data Receiver
  '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39' // Azure Service Bus Data Sender
  '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0' // Azure Service Bus Data Receiver
  '7e4f1700-ea5a-4f59-8f37-079cfe29dce3' // SignalR Service Owner
  '8cf5e20a-e4b2-4e9d-b3a1-5ceb692c2761' // SignalR/Web PubSub Contributor
  'a001fd3d-188f-4b5d-821b-7da978bf7442' // Cognitive Services OpenAI Contributor
  'a97b65f3-24c7-4388-baec-2e87135dc908' // Cognitive Services User
]

// Built-in role definition GUIDs (checked against the built-in roles by test/infra/infra.test.ts).
var roleIds = {
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c'
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9'
  roleBasedAccessControlAdministrator: 'f58310d9-a9f6-439a-9e8d-f62e7b41a168'
}

var constrained = accessRole == 'RoleBasedAccessControlAdministrator'
var accessRoleId = constrained ? roleIds.roleBasedAccessControlAdministrator : roleIds.userAccessAdministrator

// The "constrain roles" condition: a roleAssignments/write must name one of the roles, for a service principal (an app's
// identity) or a user (a developer's own local connection, issue #16);
// a roleAssignments/delete may only remove an assignment of one of the roles. Every other action is unaffected.
var allowedRoles = join(assignableRoleIds, ', ')
var constrainedCondition = '((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/write\'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${allowedRoles}} AND @Request[Microsoft.Authorization/roleAssignments:PrincipalType] ForAnyOfAnyValues:StringEqualsIgnoreCase {\'ServicePrincipal\', \'User\'})) AND ((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/delete\'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${allowedRoles}}))'
var accessCondition = constrained ? constrainedCondition : ''

var wholeSubscription = empty(resourceGroupNames)

resource contributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (wholeSubscription) {
  name: guid(subscription().id, principalId, roleIds.contributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.contributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'linkwright manages the compute and target resources of its connections.'
  }
}

resource access 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (wholeSubscription) {
  name: guid(subscription().id, principalId, accessRoleId)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', accessRoleId)
    principalId: principalId
    principalType: 'ServicePrincipal'
    description: 'linkwright assigns (and removes) the least-privilege roles of its connections.'
    condition: constrained ? accessCondition : null
    conditionVersion: constrained ? '2.0' : null
  }
}

module perResourceGroup 'app/manager-roles.bicep' = [
  for rg in resourceGroupNames: {
    name: 'linkwright-roles-${uniqueString(rg, principalId)}'
    scope: resourceGroup(rg)
    params: {
      principalId: principalId
      accessRoleId: accessRoleId
      accessCondition: accessCondition
    }
  }
]

@description('Role definition GUID linkwright writes role assignments with.')
output accessRoleId string = accessRoleId

@description('Scopes the roles were granted on.')
output scopes string[] = wholeSubscription ? [subscription().id] : map(resourceGroupNames, rg => '${subscription().id}/resourceGroups/${rg}')
