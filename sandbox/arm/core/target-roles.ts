// Built-in role definitions of the connection targets (merged into builtin-roles.ts)
// (GUIDs: reference targets.md §5a; permissions as published for the built-in roles). The core merges them:
//   BUILTIN_ROLES = [...core roles, ...TARGET_ROLES]; ROLE_IDS = { ...core ids, ...TARGET_ROLE_IDS }
// and recognises TARGET_DATA_ACTION_PATTERNS as data actions (granted only through dataActions).
import type { RoleDefinitionData, RolePermission } from "./builtin-roles.js";

function role(name: string, roleName: string, description: string, p: Partial<RolePermission>): RoleDefinitionData {
  return {
    name, roleName, description, type: "BuiltInRole", assignableScopes: ["/"],
    permissions: [{ actions: p.actions ?? [], notActions: p.notActions ?? [], dataActions: p.dataActions ?? [], notDataActions: p.notDataActions ?? [] }],
  };
}

export const TARGET_ROLE_IDS = {
  DocumentDBAccountContributor: "5bd9cd88-fe45-4216-938b-f97437e15450",
  EventHubsDataReceiver: "a638d3c7-ab3a-418d-83e6-5f17a39d4fde",
  EventHubsDataSender: "2b629674-e913-4c01-ae53-ef4638d8f975",
  ServiceBusDataReceiver: "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
  ServiceBusDataSender: "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39",
  SignalRServiceOwner: "7e4f1700-ea5a-4f59-8f37-079cfe29dce3",
  SignalRWebPubSubContributor: "8cf5e20a-e4b2-4e9d-b3a1-5ceb692c2761",
  CognitiveServicesOpenAIContributor: "a001fd3d-188f-4b5d-821b-7da978bf7442",
  CognitiveServicesUser: "a97b65f3-24c7-4388-baec-2e87135dc908",
} as const;

const MGMT_READ = ["Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*", "Microsoft.Resources/deployments/*", "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*"];
const SB_ENTITY_READ = ["Microsoft.ServiceBus/*/queues/read", "Microsoft.ServiceBus/*/topics/read", "Microsoft.ServiceBus/*/topics/subscriptions/read"];

export const TARGET_ROLES: RoleDefinitionData[] = [
  role(TARGET_ROLE_IDS.DocumentDBAccountContributor, "DocumentDB Account Contributor", "Can manage Azure Cosmos DB accounts. Azure Cosmos DB is formerly known as DocumentDB.", {
    actions: [...MGMT_READ, "Microsoft.DocumentDb/databaseAccounts/*", "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action"],
  }),
  role(TARGET_ROLE_IDS.EventHubsDataReceiver, "Azure Event Hubs Data Receiver", "Allows receive access to Azure Event Hubs resources.", {
    actions: ["Microsoft.EventHub/*/eventhubs/consumergroups/read"], dataActions: ["Microsoft.EventHub/*/receive/action"],
  }),
  role(TARGET_ROLE_IDS.EventHubsDataSender, "Azure Event Hubs Data Sender", "Allows send access to Azure Event Hubs resources.", {
    actions: ["Microsoft.EventHub/*/eventhubs/read"], dataActions: ["Microsoft.EventHub/*/send/action"],
  }),
  role(TARGET_ROLE_IDS.ServiceBusDataReceiver, "Azure Service Bus Data Receiver", "Allows for receive access to Azure Service Bus resources.", {
    actions: SB_ENTITY_READ, dataActions: ["Microsoft.ServiceBus/*/receive/action"],
  }),
  role(TARGET_ROLE_IDS.ServiceBusDataSender, "Azure Service Bus Data Sender", "Allows for send access to Azure Service Bus resources.", {
    actions: SB_ENTITY_READ, dataActions: ["Microsoft.ServiceBus/*/send/action"],
  }),
  role(TARGET_ROLE_IDS.SignalRServiceOwner, "SignalR Service Owner", "Full access to Azure SignalR Service REST APIs", {
    dataActions: [
      "Microsoft.SignalRService/SignalR/auth/accessKey/action", "Microsoft.SignalRService/SignalR/auth/clientToken/action",
      "Microsoft.SignalRService/SignalR/hub/send/action", "Microsoft.SignalRService/SignalR/group/send/action", "Microsoft.SignalRService/SignalR/group/read",
      "Microsoft.SignalRService/SignalR/group/write", "Microsoft.SignalRService/SignalR/clientConnection/send/action", "Microsoft.SignalRService/SignalR/clientConnection/read",
      "Microsoft.SignalRService/SignalR/clientConnection/write", "Microsoft.SignalRService/SignalR/serverConnection/write", "Microsoft.SignalRService/SignalR/user/send/action",
      "Microsoft.SignalRService/SignalR/user/read", "Microsoft.SignalRService/SignalR/user/write", "Microsoft.SignalRService/SignalR/livetrace/*",
    ],
  }),
  role(TARGET_ROLE_IDS.SignalRWebPubSubContributor, "SignalR/Web PubSub Contributor", "Create, Read, Update, and Delete SignalR service resources", {
    actions: [...MGMT_READ, "Microsoft.SignalRService/*"],
  }),
  role(TARGET_ROLE_IDS.CognitiveServicesOpenAIContributor, "Cognitive Services OpenAI Contributor", "Full access including the ability to fine-tune, deploy and generate text", {
    actions: ["Microsoft.CognitiveServices/*/read", "Microsoft.Authorization/roleAssignments/read", "Microsoft.Authorization/roleDefinitions/read"],
    dataActions: ["Microsoft.CognitiveServices/accounts/OpenAI/*"],
  }),
  role(TARGET_ROLE_IDS.CognitiveServicesUser, "Cognitive Services User", "Lets you read and list keys of Cognitive Services.", {
    actions: [
      "Microsoft.CognitiveServices/*/read", "Microsoft.CognitiveServices/accounts/listkeys/action", "Microsoft.Insights/alertRules/read",
      "Microsoft.Insights/diagnosticSettings/read", "Microsoft.Insights/logDefinitions/read", "Microsoft.Insights/metricdefinitions/read", "Microsoft.Insights/metrics/read",
      "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/operations/read", "Microsoft.Resources/subscriptions/operationresults/read",
      "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*",
    ],
    dataActions: ["Microsoft.CognitiveServices/*"],
  }),
];

/** Data actions of these roles' services (Service Bus / Event Hubs send|receive, Cognitive Services data plane). */
export const TARGET_DATA_ACTION_PATTERNS: RegExp[] = [
  /^Microsoft\.(ServiceBus|EventHub)\/.+\/(send|receive)\/action$/i,
  /^Microsoft\.CognitiveServices\/accounts\/(OpenAI|SpeechServices|TextAnalytics|ContentSafety|ComputerVision|FormRecognizer|Language|TextTranslation|MaaS)\//i,
  /^Microsoft\.SignalRService\/WebPubSub\/(auth|hub|group|user|clientConnection|serverConnection)\//i,
];
