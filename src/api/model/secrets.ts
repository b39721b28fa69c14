// Secret handling for linker properties. Fields marked x-ms-secret (servicelinker-api.md §4):
//   ValueSecretInfo.value (authInfo.secretInfo.value when secretType = rawValue),
//   ServicePrincipalSecretAuthInfo.secret, ServicePrincipalCertificateAuthInfo.certificate,
//   EasyAuthMicrosoftEntraIDAuthInfo.secret.
// They are never returned and never persisted: `extractSecrets` splits a body into secret-free
// properties (what Tables holds) and the values (handed, sealed, to the orchestration start only).
import { deepClone, isObject, type LinkerProperties } from "../../model/linker.js";

/** Stable names of secret fields, used as keys in the sealed envelope and in `secretPaths`. */
export const SecretPaths = {
  rawValue: "authInfo.secretInfo.value",
  clientSecret: "authInfo.secret",
  certificate: "authInfo.certificate",
} as const;
export type SecretPath = (typeof SecretPaths)[keyof typeof SecretPaths];

export interface ExtractedSecrets {
  /** Properties without any secret value (rawValue secretInfo becomes `{secretType:"rawValue"}`). */
  properties: LinkerProperties;
  /** Secret values by path; empty when the body carried none. */
  values: Partial<Record<SecretPath, string>>;
}

export function extractSecrets(input: LinkerProperties): ExtractedSecrets {
  const properties = deepClone(input);
  const values: Partial<Record<SecretPath, string>> = {};
  const auth = properties.authInfo;
  if (isObject(auth)) {
    const secretInfo = auth["secretInfo"];
    if (isObject(secretInfo) && secretInfo["secretType"] === "rawValue" && "value" in secretInfo) {
      if (typeof secretInfo["value"] === "string") values[SecretPaths.rawValue] = secretInfo["value"];
      delete secretInfo["value"];
    }
    for (const [field, path] of [["secret", SecretPaths.clientSecret], ["certificate", SecretPaths.certificate]] as const) {
      if (field in auth) {
        if (typeof auth[field] === "string") values[path] = auth[field] as string;
        delete auth[field];
      }
    }
  }
  return { properties, values };
}

/** Response view: removes every x-ms-secret field (defence in depth: stored properties never hold one). */
export function maskSecrets(properties: LinkerProperties): LinkerProperties {
  return extractSecrets(properties).properties;
}

/**
 * For an update (PUT over an existing linker, or PATCH): which stored secrets stay as they are.
 * A stored secret is kept when the auth type is unchanged and the update does not carry a new value
 * for that path. For `secret` auth whose update omits `secretInfo` entirely the stored
 * `{secretType:"rawValue"}` marker is restored so GET keeps showing it (as the real service does).
 */
export function keptSecretPaths(options: {
  previous: { properties: LinkerProperties; secretPaths: readonly string[] } | undefined;
  next: LinkerProperties;
  newValues: Partial<Record<SecretPath, string>>;
}): { properties: LinkerProperties; kept: SecretPath[] } {
  const { previous, next, newValues } = options;
  const properties = deepClone(next);
  if (!previous || previous.properties.authInfo.authType !== next.authInfo.authType) return { properties, kept: [] };
  const kept: SecretPath[] = [];
  for (const path of previous.secretPaths as SecretPath[]) {
    if (newValues[path] !== undefined) continue;
    if (path === SecretPaths.rawValue) {
      const info = properties.authInfo["secretInfo"];
      if (info === undefined || info === null) {
        properties.authInfo["secretInfo"] = { secretType: "rawValue" };
      } else if (!isObject(info) || info["secretType"] !== "rawValue") {
        continue; // switched to a Key Vault reference: the raw secret is no longer used
      }
    }
    kept.push(path);
  }
  return { properties, kept };
}
