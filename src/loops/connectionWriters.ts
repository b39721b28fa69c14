/**
 * Linkwright connections as possible writers: the app holds an SDK client for the target, so any of its functions
 * may write there.
 */
import type { LinkwrightConnectionWriter } from "./model.js";
import { armIdSegment } from "./endpoints.js";
import { showGlob, STAR } from "./pattern.js";
import { ANY, makeRef, type ResolvedWriter } from "./refs.js";

export function connectionWriter(writer: LinkwrightConnectionWriter): ResolvedWriter | undefined {
  const id = writer.targetResourceId;
  const base = { via: "connection" as const, linkerId: writer.linkerId };
  const reason = `linkwright connection ${writer.linkerId} gives the app an SDK client for this target; whether the code writes there is not known`;
  switch (writer.targetKind) {
    case "storageBlob": {
      const account = armIdSegment(id, "storageAccounts")?.toLowerCase();
      const container = (writer.container ?? armIdSegment(id, "containers"))?.toLowerCase();
      const glob = container ? `${container}/${STAR}` : STAR;
      return { ...base, ref: makeRef("blob", account, container ?? ANY, container ? `${container}/*` : "*"), glob, uncertain: [reason] };
    }
    case "storageQueue": {
      const account = armIdSegment(id, "storageAccounts")?.toLowerCase();
      const queue = (writer.queue ?? armIdSegment(id, "queues"))?.toLowerCase();
      return { ...base, ref: makeRef("queue", account, queue ?? ANY, queue ?? "*"), glob: queue ?? STAR, uncertain: [reason] };
    }
    case "serviceBus":
    case "eventHub": {
      const ns = armIdSegment(id, "namespaces")?.toLowerCase();
      const entity = (
        writer.entity ??
        (writer.targetKind === "serviceBus"
          ? armIdSegment(id, "queues") ?? armIdSegment(id, "topics")
          : armIdSegment(id, "eventhubs"))
      )?.toLowerCase();
      return {
        ...base,
        ref: makeRef(writer.targetKind, ns, entity ?? ANY, entity ?? "*"),
        glob: entity ?? STAR,
        uncertain: [reason],
      };
    }
    case "cosmos": {
      const account = armIdSegment(id, "databaseAccounts")?.toLowerCase();
      const database = writer.database ?? armIdSegment(id, "sqlDatabases");
      const container = writer.container ?? armIdSegment(id, "containers");
      const glob = database && container ? `${database}/${container}` : database ? `${database}/${STAR}` : STAR;
      const entity = database && container ? glob : ANY;
      return { ...base, ref: makeRef("cosmos", account, entity, showGlob(glob)), glob, uncertain: [reason] };
    }
    default:
      return undefined;
  }
}

