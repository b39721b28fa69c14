// What the API needs from the target catalogue: semantic validation of a linker body
// (target id pattern, supported auth/client combination, …) and configuration generation.
import type { LinkerProperties } from "./model/linker.js";
import type { StoredLinker } from "../store/types.js";

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

export interface CatalogueHooks {
  /** Semantic checks beyond the wire schema; empty = acceptable. */
  validate(input: { sourceId: string; linkerName: string; properties: LinkerProperties }): ValidationIssue[];
  /** The configuration entries the connection writes (or would write with `configurationInfo`). */
  configurations(input: { linker: StoredLinker; configurationInfo?: LinkerProperties["configurationInfo"] }): Promise<ConfigurationEntry[]>;
}
