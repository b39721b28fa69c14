// The seam between the durable engine and the function host that loads and invokes registrations.
import type { Clock } from "../../clock.js";
import type { StorageConnection } from "../storage-connection.js";

export interface RpcValue {
  string?: string;
  json?: string;
  bytes?: Uint8Array;
  int?: number;
  double?: number;
}

export interface DurableHostBridge {
  /** Invoke a registered function with one trigger input; resolves with its returnValue or rejects with the handler's error. */
  invoke(functionName: string, input: { string?: string; json?: string; bytes?: Uint8Array }): Promise<RpcValue | undefined>;
  /** The registered functions and their trigger binding type (orchestrationTrigger | activityTrigger | entityTrigger | …). */
  functions(): { name: string; triggerType: string }[];
}

export interface DurableRuntimeOptions {
  hubName: string;
  /** Where the hub's table lives: a connection string (tests, benches), or the connection as the host resolved it from
   *  the app settings (either form; identity-based with the app's managed identity). One of the two. */
  storageConnectionString?: string;
  storage?: StorageConnection;
  bridge: DurableHostBridge;
  hostBaseUrl: string;
  clock?: Clock;
  log?: (line: string) => void;
  /** Concurrent orchestration/entity episodes (default 4) and activity executions (default 8). */
  maxConcurrentEpisodes?: number;
  maxConcurrentActivities?: number;
  /** Longest idle backoff of the storage poller in ms (default 1000). */
  maxPollIntervalMs?: number;
}

export interface HttpRequestLike {
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  body: Buffer;
}

export interface HttpResponseLike {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** Converts an invocation returnValue into the JSON text DTFx stores as a result. */
export function rpcValueToJson(rv: RpcValue | undefined): string {
  if (!rv) return "null";
  if (rv.json !== undefined) return rv.json;
  if (rv.string !== undefined) return JSON.stringify(rv.string);
  if (rv.int !== undefined) return String(rv.int);
  if (rv.double !== undefined) return String(rv.double);
  if (rv.bytes !== undefined) return JSON.stringify(Buffer.from(rv.bytes).toString("base64"));
  return "null";
}
