/**
 * Binding → endpoint: resolves a trigger or output binding's `connection` and entity/path expressions against the
 * app's settings (blob, queue, Service Bus, Event Hubs, Cosmos DB).
 */
import type { ArmBinding, ResourceKind } from "./model.js";
import { field } from "./bindings.js";
import {
  resolveCosmosConnection,
  resolveMessagingConnection,
  resolveStorageConnection,
  type ResolvedConnection,
} from "./connections.js";
import { compilePattern, isLiteral, STAR } from "./pattern.js";
import type { AppSettingsView } from "./settings.js";
import { ANY, containerOf, lowerContainer, makeRef, type Endpoint } from "./refs.js";

/** Per-app resolution context: the settings and a memo of resolved connections (many bindings share one). */
export interface AppContext {
  view: AppSettingsView;
  connection(kind: "blob" | "queue" | "serviceBus" | "eventHub" | "cosmos", name: string | undefined): ResolvedConnection;
}

export function appContext(view: AppSettingsView): AppContext {
  const memo = new Map<string, ResolvedConnection>();
  return {
    view,
    connection(kind, name) {
      const key = `${kind}|${name ?? ""}`;
      let hit = memo.get(key);
      if (!hit) {
        hit =
          kind === "blob" || kind === "queue"
            ? resolveStorageConnection(view, name, kind)
            : kind === "cosmos"
              ? resolveCosmosConnection(view, name)
              : resolveMessagingConnection(view, name, kind);
        memo.set(key, hit);
      }
      return hit;
    },
  };
}

function connectionReasons(conn: ResolvedConnection): string[] {
  return conn.account ? [] : [conn.reason ?? "connection not resolved"];
}

function settingReasons(unresolved: string[]): string[] {
  return unresolved.map((s) => `app setting "${s}" used in a binding expression is not set`);
}

/** Blob binding (`path`/`blobPath`, container-only allowed): account from the connection, glob `container/path`. */
function blobEndpoint({ view, connection }: AppContext, binding: ArmBinding): Endpoint | undefined {
  const path = field(binding, "path") ?? field(binding, "blobPath");
  if (!path) return undefined;
  const conn = connection("blob", field(binding, "connection"));
  const compiled = compilePattern(path.replace(/^\/+/, ""), view.get);
  let glob = lowerContainer(compiled.glob);
  if (!glob.includes("/")) glob = `${glob}/${STAR}`; // container only: every blob in it
  const container = containerOf(glob);
  return {
    ref: makeRef("blob", conn.account, container, lowerContainer(compiled.display)),
    glob,
    uncertain: [...connectionReasons(conn), ...settingReasons(compiled.unresolved)],
  };
}

/** Queue: account + queue name (Azure queue names are lower-case). */
function queueEndpoint({ view, connection }: AppContext, binding: ArmBinding): Endpoint | undefined {
  const name = field(binding, "queueName");
  if (!name) return undefined;
  const conn = connection("queue", field(binding, "connection"));
  const compiled = compilePattern(name, view.get);
  const glob = compiled.glob.toLowerCase();
  return {
    ref: makeRef("queue", conn.account, isLiteral(glob) ? glob : ANY, compiled.display.toLowerCase()),
    glob,
    uncertain: [...connectionReasons(conn), ...settingReasons(compiled.unresolved)],
  };
}

/**
 * Service Bus: the entity is the queue or topic (names are case-insensitive and unique across queues and topics in
 * a namespace); a subscription trigger watches its topic. Event Hubs: namespace + hub. A connection string's
 * EntityPath overrides the binding's entity, as the Event Hubs docs state for `eventHubName`.
 */
function messagingEndpoint(
  { view, connection }: AppContext,
  binding: ArmBinding,
  kind: "serviceBus" | "eventHub",
): Endpoint | undefined {
  const conn = connection(kind, field(binding, "connection"));
  const declared =
    kind === "serviceBus"
      ? field(binding, "queueName") ?? field(binding, "topicName") ?? field(binding, "entityPath")
      : field(binding, "eventHubName") ?? field(binding, "path");
  const name = conn.entityPath ?? declared;
  if (!name) return undefined;
  const compiled = compilePattern(name, view.get);
  const glob = compiled.glob.toLowerCase();
  const subscription = kind === "serviceBus" ? field(binding, "subscriptionName") : undefined;
  const display = compiled.display.toLowerCase() + (subscription ? `/subscriptions/${subscription}` : "");
  return {
    ref: makeRef(kind, conn.account, isLiteral(glob) ? glob : ANY, display),
    glob,
    uncertain: [...connectionReasons(conn), ...settingReasons(compiled.unresolved)],
  };
}

/** Cosmos DB: account + `database/container` (`containerName`, or `collectionName` in extension 3.x). */
function cosmosEndpoint({ view, connection }: AppContext, binding: ArmBinding): Endpoint | undefined {
  const database = field(binding, "databaseName");
  const container = field(binding, "containerName") ?? field(binding, "collectionName");
  if (!database || !container) return undefined;
  const conn = connection("cosmos", field(binding, "connection") ?? field(binding, "connectionStringSetting"));
  const compiled = compilePattern(`${database}/${container}`, view.get);
  return {
    ref: makeRef("cosmos", conn.account, isLiteral(compiled.glob) ? compiled.glob : ANY, compiled.display),
    glob: compiled.glob,
    uncertain: [...connectionReasons(conn), ...settingReasons(compiled.unresolved)],
  };
}

export function endpointFor(view: AppContext, binding: ArmBinding, kind: ResourceKind): Endpoint | undefined {
  switch (kind) {
    case "blob":
      return blobEndpoint(view, binding);
    case "queue":
      return queueEndpoint(view, binding);
    case "serviceBus":
    case "eventHub":
      return messagingEndpoint(view, binding, kind);
    case "cosmos":
      return cosmosEndpoint(view, binding);
  }
}

