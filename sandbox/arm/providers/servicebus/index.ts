// Microsoft.ServiceBus resource provider: namespaces (serviceBusEndpoint, SAS rules, network rule set), queues,
// topics and their subscriptions. Reference: @azure/arm-servicebus 6.1.0.
import type { Provider } from "../../core/contract.js";
import { messagingRoutes } from "../kit/messaging-namespaces.js";

const NS = "Microsoft.ServiceBus/Namespaces";
const ENTITY_COMMON = ["lockDuration", "maxSizeInMegabytes", "requiresDuplicateDetection", "defaultMessageTimeToLive", "duplicateDetectionHistoryTimeWindow",
  "enableBatchedOperations", "status", "autoDeleteOnIdle", "enablePartitioning", "enableExpress", "maxMessageSizeInKilobytes"] as const;
const QUEUE_WRITABLE = [...ENTITY_COMMON, "requiresSession", "deadLetteringOnMessageExpiration", "maxDeliveryCount", "forwardTo", "forwardDeadLetteredMessagesTo"] as const;
const TOPIC_WRITABLE = [...ENTITY_COMMON, "supportOrdering"] as const;
const SUBSCRIPTION_WRITABLE = ["lockDuration", "requiresSession", "defaultMessageTimeToLive", "deadLetteringOnFilterEvaluationExceptions", "deadLetteringOnMessageExpiration",
  "duplicateDetectionHistoryTimeWindow", "maxDeliveryCount", "status", "enableBatchedOperations", "autoDeleteOnIdle", "forwardTo", "forwardDeadLetteredMessagesTo", "isClientAffine", "clientAffineProperties"] as const;
const ENTITY_DEFAULTS = {
  maxSizeInMegabytes: 1024, requiresDuplicateDetection: false, defaultMessageTimeToLive: "P10675199DT2H48M5.4775807S", duplicateDetectionHistoryTimeWindow: "PT10M",
  enableBatchedOperations: true, status: "Active", autoDeleteOnIdle: "P10675199DT2H48M5.4775807S", enablePartitioning: false, enableExpress: false,
  sizeInBytes: 0, messageCount: 0, maxMessageSizeInKilobytes: 256,
};

export const serviceBusProvider: Provider = {
  namespace: "Microsoft.ServiceBus",
  routes: messagingRoutes("Microsoft.ServiceBus", [
    {
      segment: "queues", param: "queueName", type: `${NS}/Queues`, writable: QUEUE_WRITABLE, rules: true,
      defaults: { ...ENTITY_DEFAULTS, lockDuration: "PT1M", requiresSession: false, deadLetteringOnMessageExpiration: false, maxDeliveryCount: 10 },
    },
    { segment: "topics", param: "topicName", type: `${NS}/Topics`, writable: TOPIC_WRITABLE, rules: true, defaults: { ...ENTITY_DEFAULTS, supportOrdering: true, subscriptionCount: 0 } },
    {
      segment: "subscriptions", param: "subscriptionName", type: `${NS}/Topics/Subscriptions`, parentSegment: { segment: "topics", param: "topicName" }, writable: SUBSCRIPTION_WRITABLE, rules: false,
      defaults: { lockDuration: "PT1M", requiresSession: false, defaultMessageTimeToLive: ENTITY_DEFAULTS.defaultMessageTimeToLive, deadLetteringOnMessageExpiration: false, maxDeliveryCount: 10, status: "Active", enableBatchedOperations: true, messageCount: 0 },
    },
  ]),
};
export { buildMessagingNamespace } from "../kit/messaging-namespaces.js";
