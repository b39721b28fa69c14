// api-versions linkwright uses for generic reads and actions on target resources, by provider namespace.
// (Typed SDK clients pin their own; these serve the catalogue-driven generic path.)
const BY_NAMESPACE: Record<string, string> = {
  "microsoft.storage": "2023-05-01",
  "microsoft.keyvault": "2023-07-01",
  "microsoft.sql": "2023-08-01",
  "microsoft.dbforpostgresql": "2024-08-01",
  "microsoft.dbformysql": "2023-12-30",
  "microsoft.documentdb": "2024-11-15",
  "microsoft.servicebus": "2024-01-01",
  "microsoft.eventhub": "2024-01-01",
  "microsoft.signalrservice": "2024-03-01",
  "microsoft.appconfiguration": "2024-05-01",
  "microsoft.cache": "2024-11-01",
  "microsoft.cognitiveservices": "2024-10-01",
  "microsoft.insights": "2020-02-02",
  "microsoft.managedidentity": "2023-01-31",
  "microsoft.web": "2024-04-01",
  "microsoft.app": "2024-03-01",
};

export function apiVersionFor(resourceId: string): string {
  const ns = /\/providers\/([^/]+)\//i.exec(resourceId)?.[1]?.toLowerCase();
  const version = ns ? BY_NAMESPACE[ns] : undefined;
  if (!version) throw new Error(`No api-version is configured for the provider of ${resourceId}.`);
  return version;
}
