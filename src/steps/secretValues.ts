// Secret values a setting needs (connection strings, keys) are described in step inputs by where to get them,
// and resolved inside the activity that writes them — so they never enter durable history.
import type { StepContext } from "./step.js";
import { parseResourceId } from "../azure/resourceId.js";

export type SecretSource =
  | { kind: "storageConnectionString"; storageAccountId: string; endpointSuffix?: string }
  | { kind: "storageAccountKey"; storageAccountId: string }
  | { kind: "sealed"; value: string };

export async function resolveSecretValue(source: SecretSource, ctx: StepContext): Promise<string> {
  switch (source.kind) {
    case "sealed":
      return ctx.sealer.unseal(source.value);
    case "storageAccountKey":
      return (await storageKey(source.storageAccountId, ctx)).key;
    case "storageConnectionString": {
      const { key, name } = await storageKey(source.storageAccountId, ctx);
      return `DefaultEndpointsProtocol=https;AccountName=${name};AccountKey=${key};EndpointSuffix=${source.endpointSuffix ?? "core.windows.net"}`;
    }
  }
}

async function storageKey(accountId: string, ctx: StepContext): Promise<{ name: string; key: string }> {
  const id = parseResourceId(accountId);
  if (!id) throw new Error(`Not a storage account id: ${accountId}`);
  const name = id.names[0]!;
  const { keys } = await ctx.clients.storage(id.subscriptionId).storageAccounts.listKeys(id.resourceGroup, name);
  const key = keys?.find((k) => k.value)?.value;
  if (!key) throw new Error(`Storage account ${name} returned no keys (is shared key access disabled?).`);
  return { name, key };
}
