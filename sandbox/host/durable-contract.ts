// The interface agreed with the durable engine (sandbox/host/durable/index.ts exports createDurableRuntime).
// Declared here too so the host compiles and runs without that module when an app has no durable functions.
import type { Clock } from "../clock.js";

export type BridgeData = { string?: string; json?: string; bytes?: Uint8Array; int?: number; double?: number };

export interface DurableHostBridge {
  /** Invoke a registered function with one trigger input; resolves with its returnValue or rejects with the handler's error. */
  invoke(functionName: string, input: { string?: string; json?: string; bytes?: Uint8Array }): Promise<BridgeData | undefined>;
  /** The registered functions and their trigger binding type. */
  functions(): { name: string; triggerType: string }[];
}

export interface DurableRuntime {
  handleHttp(req: { method: string; url: string; headers: Record<string, string | undefined>; body: Buffer }): Promise<
    { status: number; headers?: Record<string, string>; body?: string | Buffer } | undefined
  >;
  clientBindingValue(): string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface DurableModule {
  createDurableRuntime(options: {
    hubName: string;
    storageConnectionString: string;
    bridge: DurableHostBridge;
    hostBaseUrl: string;
    clock?: Clock;
    log?: (line: string) => void;
  }): Promise<DurableRuntime>;
}
