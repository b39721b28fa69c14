// Microsoft.EventHub resource provider: namespaces (serviceBusEndpoint, kafkaEnabled, SAS rules, network rule set),
// event hubs with their authorization rules, and consumer groups. Reference: @azure/arm-eventhub 6.0.0.
import type { Provider } from "../../core/contract.js";
import { messagingRoutes } from "../kit/messaging-namespaces.js";

const NS = "Microsoft.EventHub/Namespaces";

export const eventHubProvider: Provider = {
  namespace: "Microsoft.EventHub",
  routes: messagingRoutes("Microsoft.EventHub", [
    {
      segment: "eventhubs", param: "eventHubName", type: `${NS}/EventHubs`, rules: true,
      writable: ["messageRetentionInDays", "partitionCount", "status", "captureDescription", "retentionDescription"],
      defaults: { messageRetentionInDays: 1, partitionCount: 4, status: "Active", retentionDescription: { cleanupPolicy: "Delete", retentionTimeInHours: 24 } },
      finish: (props) => ({ ...props, partitionIds: Array.from({ length: Number(props.partitionCount) || 1 }, (_, i) => String(i)) }),
      // Every event hub has the `$Default` consumer group.
      createdWith: (hub) => [{ id: `${hub.id}/consumergroups/$Default`, name: "$Default", type: `${NS}/EventHubs/ConsumerGroups`, properties: { createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() } }],
    },
    {
      segment: "consumergroups", param: "consumerGroupName", type: `${NS}/EventHubs/ConsumerGroups`, parentSegment: { segment: "eventhubs", param: "eventHubName" }, rules: false,
      writable: ["userMetadata"], defaults: {},
    },
  ]),
};
