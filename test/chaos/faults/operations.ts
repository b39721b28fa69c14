// The operations a cell runs, at the wire: a linker PUT or DELETE through the ARM endpoint (the emulator forwards it to
// linkwright), followed to its end through Azure-AsyncOperation; an auto-heal started by a resource event delivered to
// the queue trigger, followed through the connection store. Each takes an `accepted` hook, called once linkwright has
// accepted the operation and before its saga records anything (faults on linkwright's own record are added there).
import { createTableStore } from "../../../src/store/tableStore.js";
import type { ConnectionStore } from "../../../src/store/types.js";
import type { FaultEnv } from "./env.js";
import { TABLE_PREFIX } from "./env.js";

export const API_VERSION = "2024-04-01";
/** How long an operation may take before the cell calls it stuck (a persistent 503 costs the saga ~6 s per call). */
const OPERATION_DEADLINE_MS = 60_000;

export interface Outcome {
  /** The operation's end ("Stuck": not ended within the deadline). */
  status: "Succeeded" | "Failed" | "Canceled" | "Stuck";
  error?: { code?: string; message?: string };
  /** The linker as GET returns it afterwards (undefined: 404). */
  linker?: { properties?: { provisioningState?: string } } & Record<string, unknown>;
}

export async function armRequest(env: FaultEnv, method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; json: any }> {
  const token = (await env.credential.getToken("https://management.azure.com/.default"))!.token;
  const res = await fetch(`${env.arm.endpoint}${path}`, {
    method, headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: unknown;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = text; }
  return { status: res.status, headers: res.headers, json };
}

const linkerPath = (source: string, name: string) => `${source}/providers/Microsoft.ServiceLinker/linkers/${name}?api-version=${API_VERSION}`;

async function follow(env: FaultEnv, answer: { status: number; headers: Headers; json: any }, source: string, name: string): Promise<Outcome> {
  const statusUrl = answer.headers.get("azure-asyncoperation");
  if (answer.status >= 400 || !statusUrl) {
    return { status: "Failed", error: answer.json?.error ?? { code: `Http${answer.status}` }, linker: await linkerOf(env, source, name) };
  }
  const u = new URL(statusUrl);
  const deadline = Date.now() + OPERATION_DEADLINE_MS;
  let doc: any = {};
  for (;;) {
    doc = (await armRequest(env, "GET", u.pathname + u.search)).json ?? {};
    if (["Succeeded", "Failed", "Canceled"].includes(doc.status)) break;
    if (Date.now() > deadline) return { status: "Stuck", error: { message: `operation still ${doc.status} after ${OPERATION_DEADLINE_MS / 1000} s` }, linker: await linkerOf(env, source, name) };
    await new Promise((r) => setTimeout(r, 100));
  }
  return { status: doc.status, ...(doc.error ? { error: doc.error } : {}), linker: await linkerOf(env, source, name) };
}

export async function linkerOf(env: FaultEnv, source: string, name: string): Promise<Outcome["linker"]> {
  const got = await armRequest(env, "GET", linkerPath(source, name));
  return got.status === 200 ? got.json : undefined;
}

export async function putLinker(env: FaultEnv, source: string, name: string, properties: Record<string, unknown>, accepted?: () => void): Promise<Outcome> {
  const answer = await armRequest(env, "PUT", linkerPath(source, name), { properties });
  if (answer.status < 300) accepted?.();
  return follow(env, answer, source, name);
}

export async function deleteLinker(env: FaultEnv, source: string, name: string, accepted?: () => void): Promise<Outcome> {
  const answer = await armRequest(env, "DELETE", linkerPath(source, name));
  if (answer.status === 202) accepted?.();
  if (answer.status === 200 || answer.status === 204) return { status: "Succeeded", linker: await linkerOf(env, source, name) };
  return follow(env, answer, source, name);
}

let store: ConnectionStore | undefined;

/** linkwright's connection store, read and written directly (not through the fault proxy). */
export async function connectionStore(env: FaultEnv): Promise<ConnectionStore> {
  return (store ??= await createTableStore({ connectionString: env.azurite.connectionString, tablePrefix: TABLE_PREFIX, allowInsecureConnection: false }));
}

/**
 * Auto-heal: the linker opts in (state.autoHeal), the last resource event matching `eventOn` is delivered to the queue
 * trigger as Event Grid would, the reactor revalidates and starts the heal; followed until the heal operation ends.
 */
export async function heal(env: FaultEnv, source: string, name: string, eventOn: RegExp, accepted?: () => void): Promise<Outcome> {
  const connections = await connectionStore(env);
  const before = await connections.linkers.get(source, name);
  if (!before) throw new Error(`auto-heal: no linker ${name}`);
  await connections.linkers.update(source, name, (l) => ({ ...l, state: { ...l.state, autoHeal: true } }));
  const event = [...env.arm.control.events()].reverse().find((e) => eventOn.test(String((e.data as { resourceUri?: string }).resourceUri ?? "")));
  if (!event) throw new Error(`auto-heal: no resource event on ${eventOn}`);
  // Past the (run's) role propagation window, so a missing assignment is a failure, not "propagating".
  await new Promise((r) => setTimeout(r, 1_100));
  if (!env.host) throw new Error("auto-heal: the dev host runs in its own process (no queue trigger there)");
  await env.host.invoke("healthOnResourceChangeQueue", { string: Buffer.from(JSON.stringify(event)).toString("base64") });
  const started = await connections.linkers.get(source, name);
  if (!started?.lastOperationId || started.lastOperationId === before.lastOperationId) {
    return { status: "Failed", error: { code: "NotHealed", message: `the event did not start a heal (health: ${JSON.stringify(started?.state?.["health"])})` }, linker: await linkerOf(env, source, name) };
  }
  accepted?.();
  const deadline = Date.now() + OPERATION_DEADLINE_MS;
  for (;;) {
    const op = await connections.operations.get(started.lastOperationId);
    if (op && op.status !== "InProgress") {
      return { status: op.status as Outcome["status"], ...(op.error ? { error: op.error } : {}), linker: await linkerOf(env, source, name) };
    }
    if (Date.now() > deadline) return { status: "Stuck", error: { message: "heal operation still running" }, linker: await linkerOf(env, source, name) };
    await new Promise((r) => setTimeout(r, 100));
  }
}
