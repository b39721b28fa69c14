// What the API needs from the target catalogue: semantic validation of a linker body
// (target id pattern, supported auth/client combination, …) and configuration generation.
import type { LinkerProperties } from "../model/linker.js";
import type { StoredLinker } from "../model/connection.js";
import type { ConfigurationEntry, ValidationIssue } from "../model/configuration.js";

export interface CatalogueHooks {
  /** Semantic checks beyond the wire schema; empty = acceptable. */
  validate(input: { sourceId: string; linkerName: string; properties: LinkerProperties }): ValidationIssue[];
  /** The configuration entries the connection writes (or would write with `configurationInfo`). */
  configurations(input: { linker: StoredLinker; configurationInfo?: LinkerProperties["configurationInfo"] }): Promise<ConfigurationEntry[]>;
}
