// linkwright's resource events: the Event Grid system topic of this subscription's Azure Resource Manager events
// (topicType Microsoft.Resources.Subscriptions, location global, system-assigned identity) and one event subscription
// per entry of infra/event-subscriptions.json, each delivering to a storage queue of linkwright's storage account
// with the topic's own identity (deliveryWithResourceIdentity: no storage key, no webhook key). The same file is what
// `npm start` registers with the sandbox's Event Grid, so the sandbox and a deployment are wired alike.
//
// main.bicep deploys it for its own subscription. For every other subscription linkwright manages, deploy it into a
// resource group of that subscription (the topic lives there; the queues and their role assignments go to
// linkwright's storage account through app/event-queues.bicep):
//
//   az deployment group create --subscription <other> -g <rg there> -f infra/app/resource-events.bicep \
//     -p storageAccountId=<linkwright's storage account id> systemTopicName=linkwright-resource-events
//
// A subscription has at most one system topic of this type: where one exists already, pass its name (and resource
// group) so it is updated, or add the event subscriptions to it by hand (infra/README.md).
targetScope = 'resourceGroup'

@description('Resource id of linkwright\'s storage account, whose queues receive the events (main.bicep: its own).')
param storageAccountId string

@description('Name of this subscription\'s system topic for resource events (one per subscription: reuse an existing one\'s name).')
param systemTopicName string

@description('Seconds an undelivered event waits in its queue (health and loop scans also run on timers).')
@minValue(60)
param queueMessageTimeToLiveInSeconds int = 86400

@description('Tags on the system topic.')
param tags object = {}

// The wiring both infra and the sandbox read: topicType and the event subscriptions (name, queueName,
// includedEventTypes, subjectBeginsWith, advancedFilters).
var wiring = loadJsonContent('../event-subscriptions.json')
var queueNames = union(map(wiring.subscriptions, s => s.queueName), [])
var account = split(storageAccountId, '/')

resource systemTopic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: systemTopicName
  location: 'global'
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    source: subscription().id
    topicType: wiring.topicType
  }
}

// The queues, and the topic identity's right to send to them; Event Grid refuses an identity-delivered subscription
// whose identity may not write to its destination, so the subscriptions wait for this.
module eventQueues 'event-queues.bicep' = {
  name: 'linkwright-event-queues-${uniqueString(subscription().id, storageAccountId)}'
  scope: resourceGroup(account[2], account[4])
  params: {
    storageAccountName: account[8]
    queueNames: queueNames
    principalId: systemTopic.identity.principalId
  }
}

resource eventSubscriptions 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = [
  for s in wiring.subscriptions: {
    parent: systemTopic
    name: s.name
    dependsOn: [
      eventQueues
    ]
    properties: {
      eventDeliverySchema: 'EventGridSchema'
      filter: {
        includedEventTypes: s.includedEventTypes
        subjectBeginsWith: s.subjectBeginsWith
        advancedFilters: s.advancedFilters
      }
      deliveryWithResourceIdentity: {
        identity: {
          type: 'SystemAssigned'
        }
        destination: {
          endpointType: 'StorageQueue'
          properties: {
            resourceId: storageAccountId
            queueName: s.queueName
            queueMessageTimeToLiveInSeconds: queueMessageTimeToLiveInSeconds
          }
        }
      }
      retryPolicy: {
        maxDeliveryAttempts: 30
        eventTimeToLiveInMinutes: 1440
      }
    }
  }
]

@description('Resource id of the system topic.')
output systemTopicId string = systemTopic.id

@description('Object id of the system topic\'s identity (holds Storage Queue Data Message Sender on the event queues).')
output principalId string = systemTopic.identity.principalId

@description('Names of the event subscriptions on the topic.')
output eventSubscriptionNames string[] = [for (s, i) in wiring.subscriptions: eventSubscriptions[i].name]
