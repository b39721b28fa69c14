// Wire-schema validation of LinkerProperties (servicelinker-api.md §2). Semantic checks that need
// target knowledge (id patterns, supported combinations) are the catalogue's (catalogueHooks.ts).
import type { ValidationIssue } from "../../model/configuration.js";
import { ErrorCodes } from "../wire/errors.js";
import { isArmResourceId } from "../wire/paths.js";
import { isObject, type JsonObject, type LinkerProperties } from "../../model/linker.js";
import { fitsTableKeys } from "../../store/keys.js";

export const TARGET_SERVICE_TYPES = ["AzureResource", "ConfluentBootstrapServer", "ConfluentSchemaRegistry", "SelfHostedServer", "FabricPlatform"];
export const AUTH_TYPES = [
  "systemAssignedIdentity", "userAssignedIdentity", "servicePrincipalSecret", "servicePrincipalCertificate",
  "secret", "accessKey", "userAccount", "easyAuthMicrosoftEntraID",
];
export const CLIENT_TYPES = [
  "none", "dotnet", "java", "python", "go", "php", "ruby", "django", "nodejs", "springBoot",
  "kafka-springBoot", "jms-springBoot", "dapr",
];
export const SECRET_TYPES = ["rawValue", "keyVaultSecretReference", "keyVaultSecretUri"];
const DELETE_OR_UPDATE = ["Default", "ForcedCleanup"];
const AUTH_MODES = ["optInAllAuth", "optOutAllAuth"];
const VNET_TYPES = ["serviceEndpoint", "privateLink"];
const ACTIONS = ["enable", "optOut"];
const CONFIG_ACTIONS = ["enable", "optOut", "Internal"];
const TRUE_FALSE = ["true", "false"];

const list = (values: string[]) => values.map((v) => `'${v}'`).join(", ");

class Issues {
  readonly items: ValidationIssue[] = [];
  add(field: string, message: string, code: string = ErrorCodes.InvalidRequestContent): void {
    this.items.push({ field, message, code });
  }
  enumValue(obj: JsonObject, key: string, path: string, allowed: string[], required = false): void {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (required) this.add(`${path}.${key}`, `The property '${path}.${key}' is required. Supported values: ${list(allowed)}.`);
      return;
    }
    if (typeof value !== "string" || !allowed.includes(value)) {
      this.add(`${path}.${key}`, `The value '${String(value)}' of '${path}.${key}' is not supported. Supported values: ${list(allowed)}.`);
    }
  }
  string(obj: JsonObject, key: string, path: string, required = false): void {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (required) this.add(`${path}.${key}`, `The property '${path}.${key}' is required.`);
      return;
    }
    if (typeof value !== "string") this.add(`${path}.${key}`, `The property '${path}.${key}' must be a string.`);
  }
  stringArray(obj: JsonObject, key: string, path: string): void {
    const value = obj[key];
    if (value === undefined || value === null) return;
    if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) this.add(`${path}.${key}`, `The property '${path}.${key}' must be an array of strings.`);
  }
  stringMap(obj: JsonObject, key: string, path: string): void {
    const value = obj[key];
    if (value === undefined || value === null) return;
    if (!isObject(value) || Object.values(value).some((v) => typeof v !== "string")) this.add(`${path}.${key}`, `The property '${path}.${key}' must be an object of string values.`);
  }
  optionalObject(obj: JsonObject, key: string, path: string): JsonObject | undefined {
    const value = obj[key];
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) {
      this.add(`${path}.${key}`, `The property '${path}.${key}' must be an object.`);
      return undefined;
    }
    return value;
  }
  armId(obj: JsonObject, key: string, path: string, required: boolean): void {
    const value = obj[key];
    if (value === undefined || value === null) {
      if (required) this.add(`${path}.${key}`, `The property '${path}.${key}' is required.`);
      return;
    }
    if (typeof value !== "string" || !isArmResourceId(value)) {
      this.add(`${path}.${key}`,
        `Property id '${String(value)}' at path '${path}.${key}' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}'.`,
        ErrorCodes.LinkedInvalidPropertyId);
    } else if (!fitsTableKeys(value)) {
      this.add(`${path}.${key}`, `Property id '${value.slice(0, 120)}…' at path '${path}.${key}' is too long for linkwright to store (its id, encoded, must fit an Azure Tables key of 512 characters).`,
        ErrorCodes.LinkedInvalidPropertyId);
    }
  }
}

/**
 * Checks `body.properties` of a PUT (or the merged result of a PATCH). `requireSecrets` is false when
 * stored secrets may be kept (update of an existing linker).
 */
export function validateLinkerProperties(properties: unknown, options: { requireSecrets: boolean }): { issues: ValidationIssue[]; properties?: LinkerProperties } {
  const issues = new Issues();
  const p = "properties";
  if (!isObject(properties)) {
    issues.add(p, "The property 'properties' is required and must be an object.");
    return { issues: issues.items };
  }
  const target = properties["targetService"];
  if (!isObject(target)) {
    issues.add(`${p}.targetService`, `The property '${p}.targetService' is required. Supported types: ${list(TARGET_SERVICE_TYPES)}.`);
  } else {
    const tp = `${p}.targetService`;
    issues.enumValue(target, "type", tp, TARGET_SERVICE_TYPES, true);
    if (target["type"] === "AzureResource") {
      issues.armId(target, "id", tp, true);
      const rp = issues.optionalObject(target, "resourceProperties", tp);
      if (rp) issues.enumValue(rp, "type", `${tp}.resourceProperties`, ["KeyVault", "AppConfig"], true);
    } else if (typeof target["type"] === "string" && TARGET_SERVICE_TYPES.includes(target["type"])) {
      issues.string(target, "endpoint", tp, true);
    }
  }

  const auth = properties["authInfo"];
  if (!isObject(auth)) {
    issues.add(`${p}.authInfo`, `The property '${p}.authInfo' is required. Supported authType values: ${list(AUTH_TYPES)}.`);
  } else {
    const ap = `${p}.authInfo`;
    issues.enumValue(auth, "authType", ap, AUTH_TYPES, true);
    issues.enumValue(auth, "authMode", ap, AUTH_MODES);
    issues.enumValue(auth, "deleteOrUpdateBehavior", ap, DELETE_OR_UPDATE);
    issues.stringArray(auth, "roles", ap);
    issues.string(auth, "userName", ap);
    switch (auth["authType"]) {
      case "userAssignedIdentity":
        issues.string(auth, "clientId", ap);
        issues.string(auth, "subscriptionId", ap);
        break;
      case "servicePrincipalSecret":
        issues.string(auth, "clientId", ap, true);
        issues.string(auth, "principalId", ap, true);
        issues.string(auth, "secret", ap, options.requireSecrets);
        break;
      case "servicePrincipalCertificate":
        issues.string(auth, "clientId", ap, true);
        issues.string(auth, "principalId", ap, true);
        issues.string(auth, "certificate", ap, options.requireSecrets);
        break;
      case "easyAuthMicrosoftEntraID":
        issues.string(auth, "clientId", ap);
        issues.string(auth, "secret", ap);
        break;
      case "secret": {
        issues.string(auth, "name", ap);
        const info = issues.optionalObject(auth, "secretInfo", ap);
        if (info) {
          const ip = `${ap}.secretInfo`;
          issues.enumValue(info, "secretType", ip, SECRET_TYPES, true);
          if (info["secretType"] === "rawValue") issues.string(info, "value", ip);
          if (info["secretType"] === "keyVaultSecretUri") issues.string(info, "value", ip, true);
          if (info["secretType"] === "keyVaultSecretReference") {
            issues.string(info, "name", ip, true);
            issues.string(info, "version", ip);
          }
        }
        break;
      }
      case "accessKey": {
        const perms = auth["permissions"];
        if (perms !== undefined && perms !== null && (!Array.isArray(perms) || perms.some((x) => typeof x !== "string" || !["Read", "Write", "Listen", "Send", "Manage"].includes(x)))) {
          issues.add(`${ap}.permissions`, `The property '${ap}.permissions' must be an array of: 'Read', 'Write', 'Listen', 'Send', 'Manage'.`);
        }
        break;
      }
    }
  }

  issues.enumValue(properties, "clientType", p, CLIENT_TYPES);
  issues.string(properties, "scope", p);
  const vnet = issues.optionalObject(properties, "vNetSolution", p);
  if (vnet) {
    issues.enumValue(vnet, "type", `${p}.vNetSolution`, VNET_TYPES);
    issues.enumValue(vnet, "deleteOrUpdateBehavior", `${p}.vNetSolution`, DELETE_OR_UPDATE);
  }
  const store = issues.optionalObject(properties, "secretStore", p);
  if (store) {
    issues.armId(store, "keyVaultId", `${p}.secretStore`, false);
    issues.string(store, "keyVaultSecretName", `${p}.secretStore`);
  }
  const pns = issues.optionalObject(properties, "publicNetworkSolution", p);
  if (pns) {
    const pp = `${p}.publicNetworkSolution`;
    issues.enumValue(pns, "action", pp, ACTIONS);
    issues.enumValue(pns, "deleteOrUpdateBehavior", pp, DELETE_OR_UPDATE);
    const rules = issues.optionalObject(pns, "firewallRules", pp);
    if (rules) {
      issues.stringArray(rules, "ipRanges", `${pp}.firewallRules`);
      issues.enumValue(rules, "azureServices", `${pp}.firewallRules`, TRUE_FALSE);
      issues.enumValue(rules, "callerClientIP", `${pp}.firewallRules`, TRUE_FALSE);
    }
  }
  const config = issues.optionalObject(properties, "configurationInfo", p);
  if (config) validateConfigurationInfoInto(issues, config, `${p}.configurationInfo`);

  if (issues.items.length > 0) return { issues: issues.items };
  return { issues: [], properties: pickLinkerProperties(properties) };
}

function validateConfigurationInfoInto(issues: Issues, config: JsonObject, path: string): void {
  issues.enumValue(config, "action", path, CONFIG_ACTIONS);
  issues.enumValue(config, "deleteOrUpdateBehavior", path, DELETE_OR_UPDATE);
  issues.stringMap(config, "customizedKeys", path);
  issues.stringMap(config, "additionalConfigurations", path);
  issues.stringMap(config, "additionalConnectionStringProperties", path);
  const store = issues.optionalObject(config, "configurationStore", path);
  if (store) issues.armId(store, "appConfigurationId", `${path}.configurationStore`, false);
  issues.optionalObject(config, "daprProperties", path);
}

/** Validates a standalone ConfigurationInfo (generateConfigurations body). */
export function validateConfigurationInfo(config: unknown): ValidationIssue[] {
  const issues = new Issues();
  if (!isObject(config)) {
    issues.add("configurationInfo", "The request body must be a ConfigurationInfo object.");
    return issues.items;
  }
  validateConfigurationInfoInto(issues, config, "configurationInfo");
  return issues.items;
}

/** Keeps only the writable LinkerProperties fields (drops provisioningState and unknown fields). */
function pickLinkerProperties(source: JsonObject): LinkerProperties {
  const out: Record<string, unknown> = {};
  for (const key of ["targetService", "authInfo", "clientType", "vNetSolution", "secretStore", "scope", "publicNetworkSolution", "configurationInfo"]) {
    if (key in source) out[key] = JSON.parse(JSON.stringify(source[key]));
  }
  return out as unknown as LinkerProperties;
}
