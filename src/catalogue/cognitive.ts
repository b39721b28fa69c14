// Azure AI services: Azure OpenAI, AI Services and multi-service Cognitive Services accounts (targets.md §5a, §6.24).
// One ARM type, three documented name sets chosen by the account kind (facts.accountKind).
import { key, need, sameForAllSources, secretKey, withSlash } from "./entries.js";
import { RG } from "./ids.js";
import type { AuthType, CellTable, ClientType, EntrySpec, TargetDescriptor, TargetFacts } from "./types.js";

const ACCOUNT = `${RG}/Microsoft.CognitiveServices/accounts/{resourceName}`;
const CLIENTS: ClientType[] = ["dotnet", "java", "python", "nodejs", "none"];

type Flavour = "OpenAI" | "AIServices" | "CognitiveServices";
const flavourOf = (f: TargetFacts): Flavour =>
  f.accountKind === "OpenAI" ? "OpenAI" : f.accountKind === "AIServices" ? "AIServices" : "CognitiveServices";
const only = (fl: Flavour) => (f: TargetFacts) => flavourOf(f) === fl;
const LABEL: Record<Flavour, string> = {
  OpenAI: "account kind OpenAI",
  AIServices: "account kind AIServices",
  CognitiveServices: "other account kinds",
};

const endpoint = (f: TargetFacts) => withSlash(need(f, "endpoint"));
const openAiEndpoint = (f: TargetFacts) => withSlash(need(f, "openAiEndpoint"));
const speechEndpoint = (f: TargetFacts) => f.speechEndpoint ?? `https://${need(f, "location")}.stt.speech.microsoft.com`;

function tag(fl: Flavour, specs: EntrySpec[]): EntrySpec[] {
  return specs.map((s) => ({ ...s, appliesTo: only(fl), appliesToLabel: LABEL[fl] }));
}

/** Per flavour: its prefix and endpoint keys (§6.24). */
const FLAVOURS: { fl: Flavour; prefix: string; endpoints: EntrySpec[] }[] = [
  { fl: "OpenAI", prefix: "AZURE_OPENAI", endpoints: [key("AZURE_OPENAI", "BASE", endpoint, "Azure OpenAI endpoint")] },
  {
    fl: "AIServices",
    prefix: "AZURE_AISERVICES",
    endpoints: [
      key("AZURE_AISERVICES", "OPENAI_BASE", openAiEndpoint, "Azure OpenAI endpoint of the AI Services account"),
      key("AZURE_AISERVICES", "COGNITIVESERVICES_ENDPOINT", endpoint, "Cognitive Services endpoint"),
      key("AZURE_AISERVICES", "SPEECH_ENDPOINT", speechEndpoint, "Speech endpoint"),
    ],
  },
  {
    fl: "CognitiveServices",
    prefix: "AZURE_COGNITIVESERVICES",
    endpoints: [key("AZURE_COGNITIVESERVICES", "ENDPOINT", endpoint, "Cognitive Services endpoint")],
  },
];

function rows(auth: AuthType): EntrySpec[] {
  return FLAVOURS.flatMap(({ fl, prefix, endpoints }) => {
    const P = prefix;
    switch (auth) {
      case "systemAssignedIdentity":
        return tag(fl, endpoints);
      case "userAssignedIdentity":
        return tag(fl, [...endpoints, key(P, "CLIENTID", (f) => need(f, "clientId"), "Client id of the user-assigned managed identity")]);
      case "servicePrincipalSecret":
        return tag(fl, [
          ...endpoints,
          key(P, "CLIENTID", (f) => need(f, "clientId"), "Client id of the service principal"),
          secretKey(P, "CLIENTSECRET", (f) => need(f, "clientSecret"), "Client secret of the service principal"),
          key(P, "TENANTID", (f) => need(f, "tenantId"), "Tenant id of the service principal"),
        ]);
      case "secret":
        return tag(fl, [...endpoints, secretKey(P, "KEY", (f) => need(f, "accessKey"), "Account key")]);
      default:
        return [];
    }
  });
}

const cells: CellTable = {};
for (const auth of ["systemAssignedIdentity", "secret", "userAssignedIdentity", "servicePrincipalSecret"] as AuthType[]) {
  const r = rows(auth);
  cells[auth] = Object.fromEntries(CLIENTS.map((c) => [c, r]));
}

export const cognitiveServices: TargetDescriptor = {
  kind: "cognitiveservices",
  resourceFacts: [{ fact: "endpoint", path: "properties.endpoint" }, { fact: "accountKind", path: "kind" }, { fact: "openAiEndpoint", path: 'properties.endpoints["OpenAI Language Model Instance API"]' }, { fact: "location", path: "location" }],
  displayName: "Azure AI services (OpenAI, AI Services, Cognitive Services)",
  armType: "Microsoft.CognitiveServices/accounts",
  idPatterns: [{ template: ACCOUNT }],
  resourceTemplate: ACCOUNT,
  roleScopeTemplate: ACCOUNT,
  authTypes: sameForAllSources(["systemAssignedIdentity", "secret", "userAssignedIdentity", "servicePrincipalSecret"], []),
  secretIsAuto: true,
  clientTypes: CLIENTS,
  cells,
  defaultRoles: [
    { name: "Cognitive Services OpenAI Contributor", id: "a001fd3d-188f-4b5d-821b-7da978bf7442", appliesTo: (f) => flavourOf(f) !== "CognitiveServices" },
    { name: "Cognitive Services User", id: "a97b65f3-24c7-4388-baec-2e87135dc908", appliesTo: (f) => flavourOf(f) !== "OpenAI" },
  ],
  allowedRoles: [{ name: "Cognitive Services OpenAI User", id: "5e0bd9bd-7b93-4f28-af87-19fc36ad61bd" }],
  secretSource: {
    kind: "listKeys",
    resourceTemplate: ACCOUNT,
    action: "Microsoft.CognitiveServices/accounts/listKeys/action",
    pick: [{ path: "key1", fact: "accessKey" }],
  },
  network: { firewall: true, serviceEndpoint: false, privateLink: false },
  binding: {
    bindingTypes: ["textCompletion", "embeddings", "assistantCreate", "assistantPost", "assistantQuery", "semanticSearch", "embeddingsStore"],
    identity: [{ property: "endpoint", value: (f) => (flavourOf(f) === "AIServices" ? openAiEndpoint(f) : endpoint(f)), description: "Azure OpenAI endpoint for the binding" }],
    note: "The Azure OpenAI bindings read the AIConnectionName prefix: <P>__endpoint (+ credential, clientId).",
  },
  notes: [
    "The name set follows facts.accountKind: OpenAI → AZURE_OPENAI_*, AIServices → AZURE_AISERVICES_*, others → AZURE_COGNITIVESERVICES_*.",
    "Java and Node are included per the docs (the CLI lists dotnet, python, none).",
    "Roles: OpenAI → Cognitive Services OpenAI Contributor; AIServices → both; others → Cognitive Services User.",
  ],
};
