// What the API reports about a connection's configuration: a validation issue with a request, and the
// configuration entries (SourceConfiguration, servicelinker-api.md §4) a connection writes.
export interface ValidationIssue {
  /** JSON path of the offending field, e.g. "properties.authInfo.authType". */
  field: string;
  /** Human-readable message naming the supported alternatives. */
  message: string;
  /** ARM error code; defaults to "BadRequest". */
  code?: string;
}

/** SourceConfiguration (servicelinker-api.md §4) plus a secret marker used for masking. */
export interface ConfigurationEntry {
  name: string;
  value?: string | null;
  configType?: "Default" | "KeyVaultSecret";
  keyVaultReferenceIdentity?: string | null;
  description?: string | null;
  /** True when `value` is (or embeds) a secret: such entries are never returned. */
  isSecret?: boolean;
}
