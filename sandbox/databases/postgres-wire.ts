// PostgreSQL frontend/backend protocol 3.0, the part a client needs to log in with an Entra token and run simple
// queries: SSLRequest answered 'S' then TLS (required, as Azure requires it), StartupMessage, cleartext password
// (the token, verified for the oss-rdbms audience), then Query → RowDescription/DataRow/CommandComplete/ReadyForQuery.
import net from "node:net";
import type tls from "node:tls";
import { randomInt } from "node:crypto";
import type { Duplex } from "node:stream";
import { ByteReader, upgradeToTls } from "./byte-reader.js";
import { DbError, type ServerModel } from "./model.js";
import { answerUnderFault, runUnderFault, type StatementFaults } from "./faults.js";
import type { TokenVerifier } from "./tokens.js";

export const OSSRDBMS_AUDIENCE = "https://ossrdbms-aad.database.windows.net";
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const PROTOCOL_3 = 196608;

export interface WireOptions {
  /** The server a TLS session names by SNI; throws when the name is missing or not one this listener serves. */
  serverFor(servername: string | false | null | undefined): ServerModel;
  tls: { key: string; cert: string };
  verify: TokenVerifier;
  /** Refuses a verified login (undefined = accept); see armAdminAuthorizer. */
  authorize?: (login: { fqdn: string; user: string; oid: string; appid?: string }) => Promise<string | undefined>;
  /** Injected faults, per query (./faults.ts). */
  faults?: StatementFaults;
}

/** Verifies the token and asks the authorizer; resolves with the oid, or throws with the refusal. */
export async function authenticate(options: WireOptions, model: ServerModel, token: string, audience: string, user: string): Promise<string> {
  const login = await options.verify(token, audience);
  const refusal = await options.authorize?.({ fqdn: model.fqdn, user, oid: login.oid, appid: login.appid });
  if (refusal) throw new Error(refusal);
  return login.oid;
}

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, "latin1");
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}
const cstr = (s: string) => Buffer.concat([Buffer.from(s, "utf8"), Buffer.from([0])]);
const int32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
const int16 = (n: number) => { const b = Buffer.alloc(2); b.writeInt16BE(n); return b; };

function errorResponse(severity: "ERROR" | "FATAL", code: string, text: string): Buffer {
  return message("E", Buffer.concat([
    Buffer.from("S"), cstr(severity), Buffer.from("V"), cstr(severity), Buffer.from("C"), cstr(code), Buffer.from("M"), cstr(text), Buffer.from([0]),
  ]));
}

function rowDescription(columns: string[]): Buffer {
  return message("T", Buffer.concat([int16(columns.length), ...columns.map((c) => Buffer.concat([cstr(c), int32(0), int16(0), int32(25), int16(-1), int32(-1), int16(0)]))]));
}

function dataRow(values: (string | null)[]): Buffer {
  return message("D", Buffer.concat([int16(values.length), ...values.map((v) => v === null ? int32(-1) : Buffer.concat([int32(Buffer.byteLength(v)), Buffer.from(v, "utf8")]))]));
}

const readyForQuery = () => message("Z", Buffer.from("I"));

async function readStartup(reader: ByteReader): Promise<{ code: number; body: Buffer }> {
  const len = (await reader.read(4)).readInt32BE(0);
  if (len < 8 || len > 10_000) throw new Error("bad startup packet length");
  const rest = await reader.read(len - 4);
  return { code: rest.readInt32BE(0), body: rest.subarray(4) };
}

async function readMessage(reader: ByteReader): Promise<{ type: string; body: Buffer }> {
  const head = await reader.read(5);
  const len = head.readInt32BE(1);
  if (len < 4 || len > 16 * 1024 * 1024) throw new Error("bad message length");
  return { type: head.toString("latin1", 0, 1), body: await reader.read(len - 4) };
}

function parseParams(body: Buffer): Record<string, string> {
  const parts = body.toString("utf8").split("\0");
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < parts.length; i += 2) if (parts[i]) out[parts[i]!] = parts[i + 1]!;
  return out;
}

export function handlePostgresConnection(socket: net.Socket, options: WireOptions): void {
  socket.on("error", () => socket.destroy());
  void serve(socket, options).catch(() => socket.destroy());
}

async function serve(socket: net.Socket, options: WireOptions): Promise<void> {
  let stream: Duplex = socket;
  let secureSocket: tls.TLSSocket | undefined;
  let reader = new ByteReader(socket);
  let encrypted = false;
  let startup = await readStartup(reader);
  for (let i = 0; i < 3 && (startup.code === SSL_REQUEST || startup.code === GSSENC_REQUEST); i++) {
    if (startup.code === GSSENC_REQUEST || encrypted) {
      stream.write("N");
    } else {
      const unread = reader.detach();
      socket.write("S");
      const secure = upgradeToTls(socket, unread, options.tls);
      stream = secureSocket = secure;
      reader = new ByteReader(secure);
      encrypted = true;
    }
    startup = await readStartup(reader);
  }
  const send = (b: Buffer) => stream.write(b);
  if (startup.code !== PROTOCOL_3) {
    send(errorResponse("FATAL", "0A000", `unsupported frontend protocol ${startup.code >> 16}.${startup.code & 0xffff}`));
    return void stream.end();
  }
  const params = parseParams(startup.body);
  const user = params.user ?? "";
  const database = params.database ?? user;
  if (!encrypted) {
    send(errorResponse("FATAL", "28000", `no pg_hba.conf entry for host "${socket.remoteAddress}", user "${user}", database "${database}", no encryption`));
    return void stream.end();
  }
  let model: ServerModel;
  try {
    model = options.serverFor(secureSocket?.servername);
  } catch (e) {
    send(errorResponse("FATAL", "08004", (e as Error).message));
    return void stream.end();
  }
  send(message("R", int32(3))); // AuthenticationCleartextPassword
  const pw = await readMessage(reader);
  if (pw.type !== "p") return void stream.end();
  const token = pw.body.toString("utf8").replace(/\0$/, "");
  let oid: string;
  try {
    oid = await authenticate(options, model, token, OSSRDBMS_AUDIENCE, user);
  } catch (e) {
    send(errorResponse("FATAL", "28P01", `password authentication failed for user "${user}": ${(e as Error).message}`));
    return void stream.end();
  }
  send(Buffer.concat([
    message("R", int32(0)),
    ...[["server_version", "16.4"], ["server_encoding", "UTF8"], ["client_encoding", "UTF8"], ["standard_conforming_strings", "on"],
      ["DateStyle", "ISO, MDY"], ["integer_datetimes", "on"], ["TimeZone", "UTC"]].map(([k, v]) => message("S", Buffer.concat([cstr(k!), cstr(v!)]))),
    message("K", Buffer.concat([int32(process.pid), int32(randomInt(1, 2 ** 31 - 1))])),
    readyForQuery(),
  ]));
  const session = { server: model.fqdn, database, user, oid };
  for (;;) {
    const m = await readMessage(reader);
    if (m.type === "X") return void stream.end();
    if (m.type !== "Q") {
      send(errorResponse("ERROR", "0A000", `message type '${m.type}' (extended query protocol) is not supported by the sandbox emulator`));
      if (m.type === "S") send(readyForQuery());
      continue;
    }
    const text = m.body.toString("utf8").replace(/\0$/, "");
    if (!text.trim()) { send(Buffer.concat([message("I", Buffer.alloc(0)), readyForQuery()])); continue; }
    const out: Buffer[] = [];
    const fault = options.faults?.take(model.fqdn, text);
    try {
      for (const r of runUnderFault(fault, () => model.run(session, text))) {
        if (r.columns) {
          out.push(rowDescription(r.columns));
          for (const row of r.rows ?? []) out.push(dataRow(row));
          out.push(message("C", cstr(`SELECT ${(r.rows ?? []).length}`)));
        } else {
          out.push(message("C", cstr(r.tag)));
        }
      }
    } catch (e) {
      const err = e instanceof DbError ? e : new DbError("XX000", (e as Error).message);
      out.push(errorResponse("ERROR", err.code, err.message));
    }
    out.push(readyForQuery());
    if (await answerUnderFault(fault) === "drop") return void socket.destroy();
    send(Buffer.concat(out));
  }
}
