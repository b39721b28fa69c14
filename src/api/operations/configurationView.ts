// ConfigurationResult view: secret entries are never returned (the live service omits them, servicelinker-api.md §4);
// Authorization: a view only; listConfigurations / generateConfigurations authorize their caller before using it.
// Key Vault references are returned as configType KeyVaultSecret. 2022-05-01 items carry only {name, value}.
import type { ConfigurationEntry } from "../../model/configuration.js";

export function configurationResult(entries: ConfigurationEntry[], apiVersion: string): { configurations: Record<string, unknown>[] } {
  const visible = entries.filter((e) => !e.isSecret);
  if (apiVersion === "2022-05-01") return { configurations: visible.map((e) => ({ name: e.name, value: e.value ?? null })) };
  return {
    configurations: visible.map((e) => {
      const item: Record<string, unknown> = { name: e.name, value: e.value ?? null, configType: e.configType ?? "Default" };
      if (e.keyVaultReferenceIdentity !== undefined) item["keyVaultReferenceIdentity"] = e.keyVaultReferenceIdentity;
      if (e.description !== undefined) item["description"] = e.description;
      return item;
    }),
  };
}
