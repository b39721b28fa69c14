// MySQL client/server protocol, the part an Entra login needs: HandshakeV10 (offering TLS), SSLRequest → TLS
// (required, as Azure requires it), HandshakeResponse41, AuthSwitchRequest to mysql_clear_password (the token,
// verified for the oss-rdbms audience), then COM_QUERY → OK / ERR / text result set, COM_PING, COM_QUIT.
import net from "node:net";
import type tls from "node:tls";
import { randomBytes } from "node:crypto";
import type { Duplex } from "node:stream";
import { ByteReader, upgradeToTls } from "./byte-reader.js";
import { DbError, type ServerModel } from "./model.js";
import { authenticate, OSSRDBMS_AUDIENCE, type WireOptions } from "./postgres-wire.js";
import { answerUnderFault, runUnderFault } from "./faults.js";

const CLIENT_LONG_PASSWORD = 0x1;
const CLIENT_CONNECT_WITH_DB = 0x8;
const CLIENT_PROTOCOL_41 = 0x200;
const CLIENT_SSL = 0x800;
const CLIENT_TRANSACTIONS = 0x2000;
const CLIENT_SECURE_CONNECTION = 0x8000;
const CLIENT_MULTI_RESULTS = 0x20000;
const CLIENT_PLUGIN_AUTH = 0x80000;
const CLIENT_PLUGIN_AUTH_LENENC = 0x200000;
const SERVER_CAPS = CLIENT_LONG_PASSWORD | CLIENT_CONNECT_WITH_DB | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_TRANSACTIONS
  | CLIENT_SECURE_CONNECTION | CLIENT_MULTI_RESULTS | CLIENT_PLUGIN_AUTH | CLIENT_PLUGIN_AUTH_LENENC;
const STATUS_AUTOCOMMIT = 0x2;
let connectionIds = 1;

function lenenc(n: number): Buffer {
  if (n < 251) return Buffer.from([n]);
  if (n < 0x10000) { const b = Buffer.alloc(3); b[0] = 0xfc; b.writeUInt16LE(n, 1); return b; }
  const b = Buffer.alloc(4); b[0] = 0xfd; b.writeUIntLE(n, 1, 3); return b;
}
const lenencStr = (s: string) => { const b = Buffer.from(s, "utf8"); return Buffer.concat([lenenc(b.length), b]); };
const u16 = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const u32 = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };

function readLenenc(b: Buffer, at: number): { value: number; next: number } {
  const f = b[at]!;
  if (f < 251) return { value: f, next: at + 1 };
  if (f === 0xfc) return { value: b.readUInt16LE(at + 1), next: at + 3 };
  if (f === 0xfd) return { value: b.readUIntLE(at + 1, 3), next: at + 4 };
  throw new Error("unsupported length encoding");
}

function readCString(b: Buffer, at: number): { value: string; next: number } {
  const end = b.indexOf(0, at);
  if (end < 0) return { value: b.toString("utf8", at), next: b.length };
  return { value: b.toString("utf8", at, end), next: end + 1 };
}

class Packets {
  seq = 0;
  constructor(public stream: Duplex, public reader: ByteReader) {}
  async read(): Promise<Buffer> {
    const head = await this.reader.read(4);
    const len = head.readUIntLE(0, 3);
    this.seq = (head[3]! + 1) & 0xff;
    return this.reader.read(len);
  }
  write(payload: Buffer): void {
    const head = Buffer.alloc(4);
    head.writeUIntLE(payload.length, 0, 3);
    head[3] = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    this.stream.write(Buffer.concat([head, payload]));
  }
  ok(): void { this.write(Buffer.concat([Buffer.from([0x00]), lenenc(0), lenenc(0), u16(STATUS_AUTOCOMMIT), u16(0)])); }
  eof(): void { this.write(Buffer.concat([Buffer.from([0xfe]), u16(0), u16(STATUS_AUTOCOMMIT)])); }
  err(number: number, state: string, message: string): void {
    this.write(Buffer.concat([Buffer.from([0xff]), u16(number), Buffer.from(`#${state.padEnd(5, "0").slice(0, 5)}`, "latin1"), Buffer.from(message, "utf8")]));
  }
}

function columnDefinition(name: string): Buffer {
  return Buffer.concat([
    lenencStr("def"), lenencStr(""), lenencStr(""), lenencStr(""), lenencStr(name), lenencStr(name),
    lenenc(0x0c), u16(255), u32(1024), Buffer.from([0xfd]), u16(0), Buffer.from([0]), u16(0),
  ]);
}

export function handleMySqlConnection(socket: net.Socket, options: WireOptions): void {
  socket.on("error", () => socket.destroy());
  void serve(socket, options).catch(() => socket.destroy());
}

async function serve(socket: net.Socket, options: WireOptions): Promise<void> {
  const p = new Packets(socket, new ByteReader(socket));
  const scramble = randomBytes(20).map((x) => (x % 94) + 33); // printable, no NUL
  p.write(Buffer.concat([
    Buffer.from([10]), Buffer.from("8.0.21-azure\0", "latin1"), u32(connectionIds++), scramble.subarray(0, 8), Buffer.from([0]),
    u16(SERVER_CAPS & 0xffff), Buffer.from([255]), u16(STATUS_AUTOCOMMIT), u16(SERVER_CAPS >>> 16), Buffer.from([21]), Buffer.alloc(10),
    scramble.subarray(8), Buffer.from([0]), Buffer.from("mysql_native_password\0", "latin1"),
  ]));
  let response = await p.read();
  let secureSocket: tls.TLSSocket | undefined;
  if (response.length === 32 && (response.readUInt32LE(0) & CLIENT_SSL)) {
    const secure = upgradeToTls(socket, p.reader.detach(), options.tls);
    p.stream = secureSocket = secure;
    p.reader = new ByteReader(secure);
    response = await p.read();
  }
  const caps = response.readUInt32LE(0);
  let at = 32;
  const user = readCString(response, at); at = user.next;
  if (caps & CLIENT_PLUGIN_AUTH_LENENC) { const l = readLenenc(response, at); at = l.next + l.value; } else if (caps & CLIENT_SECURE_CONNECTION) { at += 1 + response[at]!; } else { at = readCString(response, at).next; }
  const database = caps & CLIENT_CONNECT_WITH_DB ? readCString(response, at).value : "";
  if (!secureSocket) {
    p.err(9002, "28000", "SSL connection is required. Please specify SSL options and retry.");
    return void p.stream.end();
  }
  let model: ServerModel;
  try {
    model = options.serverFor(secureSocket.servername);
  } catch (e) {
    p.err(2005, "HY000", (e as Error).message);
    return void p.stream.end();
  }
  p.write(Buffer.concat([Buffer.from([0xfe]), Buffer.from("mysql_clear_password\0", "latin1")]));
  const token = (await p.read()).toString("utf8").replace(/\0$/, "");
  let oid: string;
  try {
    oid = await authenticate(options, model, token, OSSRDBMS_AUDIENCE, user.value);
  } catch (e) {
    p.err(1045, "28000", `Access denied for user '${user.value}'@'${socket.remoteAddress}' (using password: YES): ${(e as Error).message}`);
    return void p.stream.end();
  }
  p.ok();
  const session = { server: model.fqdn, database, user: user.value, oid };
  for (;;) {
    const packet = await p.read();
    const command = packet[0];
    if (command === 0x01) return void p.stream.end(); // COM_QUIT
    if (command === 0x0e || command === 0x02) { p.ok(); continue; } // COM_PING, COM_INIT_DB
    if (command !== 0x03) { p.err(1047, "08S01", "Unknown command"); continue; }
    const text = packet.subarray(1).toString("utf8");
    const fault = options.faults?.take(model.fqdn, text);
    let answer: () => void;
    try {
      const results = runUnderFault(fault, () => model.run(session, text));
      const r = results[results.length - 1];
      answer = !r?.columns ? () => p.ok() : () => {
        p.write(lenenc(r.columns!.length));
        for (const c of r.columns!) p.write(columnDefinition(c));
        p.eof();
        for (const row of r.rows ?? []) p.write(Buffer.concat(row.map((v) => (v === null ? Buffer.from([0xfb]) : lenencStr(v)))));
        p.eof();
      };
    } catch (e) {
      const err = e instanceof DbError ? e : new DbError("HY000", (e as Error).message, 1105);
      answer = () => p.err(err.number || 1105, err.code, err.message);
    }
    if (await answerUnderFault(fault) === "drop") return void socket.destroy();
    answer();
  }
}
