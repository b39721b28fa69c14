// The storage queues linkwright's resource events are delivered to (infra/event-subscriptions.json: each
// subscription's queueName), on linkwright's own storage account, and the one data role an Event Grid system topic's
// identity needs to deliver there: Storage Queue Data Message Sender on each of those queues, not on the account
// (the account also holds Durable Functions' work-item and control queues and `connection-health`, which nothing
// outside linkwright should write to). Deployed by app/resource-events.bicep into the storage account's resource
// group, whichever subscription the topic is in. Idempotent: queue PUTs and guid() role-assignment names.
targetScope = 'resourceGroup'

@description('Name of linkwright\'s storage account (in this resource group).')
param storageAccountName string

@description('The queues to create and let the topic send to.')
param queueNames string[]

@description('Object id of the Event Grid system topic\'s system-assigned identity.')
param principalId string

// Built-in role definition GUIDs (checked by test/infra/infra.test.ts).
var roleIds = {
  storageQueueDataMessageSender: 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a' // Storage Queue Data Message Sender
}

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource queueServices 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource queues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [
  for name in queueNames: {
    parent: queueServices
    name: name
  }
]

resource queueSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (name, i) in queueNames: {
    name: guid(queues[i].id, principalId, roleIds.storageQueueDataMessageSender)
    scope: queues[i]
    properties: {
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleIds.storageQueueDataMessageSender)
      principalId: principalId
      principalType: 'ServicePrincipal'
      description: 'Event Grid delivers resource events to linkwright\'s ${name} queue with its own identity (no storage key).'
    }
  }
]

@description('Resource ids of the queues.')
output queueIds string[] = [for (name, i) in queueNames: queues[i].id]
