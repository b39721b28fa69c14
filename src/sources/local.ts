// The source of a local connection (a connector: src/model/connector.ts): the caller's own machine. It has no identity
// linkwright could turn on and no settings it could write: the connection's configuration is only returned. Its one
// outbound address is the caller's, which the request carries (planning reads it from the linker's properties).
import type { SourceAdapter, SourceSnapshot } from "./types.js";

export function localSource(id: string): SourceAdapter {
  const nothingWritten = (what: string) => new Error(`${id} is a local connection's scope: linkwright writes no ${what} there (its configuration is only returned).`);
  return {
    id,
    async read(): Promise<SourceSnapshot> {
      return { id, kind: "local", identity: { type: "None", userAssigned: {} }, outboundIps: [] };
    },
    async writeIdentity() {
      throw nothingWritten("identity");
    },
    async readSettings() {
      return {};
    },
    async updateSettings() {
      throw nothingWritten("settings");
    },
  };
}
