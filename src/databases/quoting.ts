// Identifier and string-literal quoting per engine. Every value that goes into a statement passes through here,
// so a name holding `]`, `"`, `'`, a backtick or a backslash stays one identifier / one literal.
// Control characters (NUL included) are refused: no engine quotes them safely everywhere.
import type { DatabaseEngine } from "../model/steps.js";

export class UnsafeValueError extends Error {}

function refuseControl(value: string, what: string): void {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new UnsafeValueError(`${what} contains a control character.`);
  if (value.length === 0) throw new UnsafeValueError(`${what} is empty.`);
}

/** A quoted identifier: SQL Server `[a]]b]`, PostgreSQL `"a""b"`, MySQL `` `a``b` ``. */
export function quoteIdentifier(engine: DatabaseEngine, value: string): string {
  refuseControl(value, "An identifier");
  switch (engine) {
    case "sql":
      return `[${value.replace(/]/g, "]]")}]`;
    case "postgresql":
      return `"${value.replace(/"/g, '""')}"`;
    case "mysql":
      return `\`${value.replace(/`/g, "``")}\``;
  }
}

/**
 * A quoted string literal. SQL Server: '…' with '' for a quote (N'…' when the value is not ASCII). PostgreSQL: '…' with '' for a quote, or E'…'
 * with backslashes doubled when the value holds one (correct whatever standard_conforming_strings says).
 * MySQL: '…' with '' for a quote and \\ for a backslash (no break-out with or without NO_BACKSLASH_ESCAPES).
 */
export function quoteLiteral(engine: DatabaseEngine, value: string): string {
  refuseControl(value, "A string literal");
  const doubled = value.replace(/'/g, "''");
  switch (engine) {
    case "sql":
      // eslint-disable-next-line no-control-regex
      return /^[\u0000-\u007f]*$/.test(value) ? `'${doubled}'` : `N'${doubled}'`;
    case "postgresql":
      return value.includes("\\") ? `E'${doubled.replace(/\\/g, "\\\\")}'` : `'${doubled}'`;
    case "mysql":
      return `'${doubled.replace(/\\/g, "\\\\")}'`;
  }
}
