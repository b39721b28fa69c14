// Secret values a setting needs (connection strings, keys) are described in step inputs by where to get them,
// and resolved inside the activity that writes them — so they never enter durable history.
import type { StepContext } from "./step.js";
import type { SecretSource } from "../model/steps.js";
import { parseResourceId } from "../azure/resourceId.js";
import { genericArm } from "../azure/armGeneric.js";
import { readPath } from "../catalogue/index.js";
import { fillSecretTokens, secretFactsIn } from "../secrets/secretTokens.js";
import type { RequiredPermission } from "../authorization/permissions.js";

/** `fetch.action` meaning "GET the resource" rather than POST an action. */
export const READ_RESOURCE = "read";

/** The ARM action behind a secret fetched from the target (listKeys and the like, or a plain read). */
export function secretReadAction(fetch: { resourceId: string; action: string }): string {
  const type = parseResourceId(fetch.resourceId)?.fullType ?? "";
  return fetch.action === READ_RESOURCE ? `${type}/read` : `${type}/${fetch.action}/action`;
}

/** What resolving a secret source reads of the target, as the caller's permission (none for a sealed value). */
export function secretReadRequirements(source: SecretSource | undefined): RequiredPermission[] {
  const fetch = !source ? undefined
    : source.kind === "storageConnectionString" || source.kind === "storageAccountKey" ? { resourceId: source.storageAccountId, action: "listKeys" }
    : source.kind === "template" ? source.fetch : undefined;
  return fetch ? [{ scope: fetch.resourceId, action: secretReadAction(fetch), why: "read the target's secret for the connection" }] : [];
}

export async function resolveSecretValue(source: SecretSource, ctx: StepContext): Promise<string> {
  switch (source.kind) {
    case "sealed":
      return ctx.sealer.unseal(source.value);
    case "storageAccountKey":
      return (await storageKey(source.storageAccountId, ctx)).key;
    case "template": {
      const wanted = secretFactsIn(source.template);
      const user: Record<string, string> = source.sealedSecrets ? JSON.parse(ctx.sealer.unseal(source.sealedSecrets)) : {};
      const facts: Record<string, string | undefined> = {};
      for (const [fact, path] of Object.entries(source.factPaths ?? {})) facts[fact] = user[path];
      if (source.fetch && wanted.some((f) => facts[f] === undefined)) {
        // `read`: the secret is a property of the resource itself (Application Insights' ConnectionString).
        const arm = genericArm(ctx.clients);
        const body = source.fetch.action === READ_RESOURCE
          ? await arm.getResource(source.fetch.resourceId)
          : await arm.invokeAction(source.fetch.resourceId, source.fetch.action);
        for (const p of source.fetch.pick) {
          const v = readPath(body, p.path);
          if (typeof v === "string") facts[p.fact] ??= v;
        }
      }
      return fillSecretTokens(source.template, facts);
    }
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
