// SQL Server TDS, the part an Entra login needs, with TDS 8.0 strict encryption (TLS first, ALPN tds/8.0, as Azure
// SQL offers): PRELOGIN (FEDAUTHREQUIRED), LOGIN7 with the FEDAUTH security-token feature (verified for the
// https://database.windows.net audience) → LOGINACK + FEATUREEXTACK + ENVCHANGE + DONE, then SQL batches →
// COLMETADATA/ROW/DONE or ERROR/DONE. The client's session-option batch (only SET statements) is acknowledged.
import net from "node:net";
import type { Duplex } from "node:stream";
import { ByteReader, upgradeToTls } from "./byte-reader.js";
import { DbError, type ServerModel } from "./model.js";
import { authenticate, type WireOptions } from "./postgres-wire.js";
import { answerUnderFault, runUnderFault } from "./faults.js";

export const SQL_AUDIENCE = "https://database.windows.net";
const TYPE = { SQL_BATCH: 0x01, TABULAR_RESULT: 0x04, ATTENTION: 0x06, LOGIN7: 0x10, PRELOGIN: 0x12 } as const;
const TDS_7_4 = 0x74000004;

const u16le = (n: number) => { const b = Buffer.alloc(2); b.writeUInt16LE(n); return b; };
const u32be = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32BE(n >>> 0); return b; };
const u32le = (n: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(n >>> 0); return b; };
const ucs2 = (s: string) => Buffer.from(s, "ucs2");
const bVarChar = (s: string) => Buffer.concat([Buffer.from([s.length]), ucs2(s)]);
const usVarChar = (s: string) => Buffer.concat([u16le(s.length), ucs2(s)]);

function withLength(token: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([token]), u16le(body.length), body]);
}

function done(status: number, rowCount = 0): Buffer {
  const b = Buffer.alloc(13);
  b[0] = 0xfd;
  b.writeUInt16LE(status, 1);
  b.writeUInt16LE(0xc1, 3);
  b.writeBigUInt64LE(BigInt(rowCount), 5);
  return b;
}
const DONE_FINAL = 0x00;
const DONE_MORE = 0x01;
const DONE_ERROR = 0x02;
const DONE_COUNT = 0x10;
const DONE_ATTN = 0x20;

function errorToken(number: number, message: string, serverName: string, cls = 16): Buffer {
  return withLength(0xaa, Buffer.concat([u32le(number), Buffer.from([1, cls]), usVarChar(message), bVarChar(serverName.slice(0, 128)), bVarChar(""), u32le(1)]));
}

function colMetadata(columns: string[]): Buffer {
  const collation = Buffer.from([0x09, 0x04, 0xd0, 0x00, 0x34]);
  return Buffer.concat([Buffer.from([0x81]), u16le(columns.length), ...columns.map((c) =>
    Buffer.concat([u32le(0), u16le(0x0001), Buffer.from([0xe7]), u16le(8000), collation, bVarChar(c)]))]);
}

function row(values: (string | null)[]): Buffer {
  return Buffer.concat([Buffer.from([0xd1]), ...values.map((v) => v === null ? u16le(0xffff) : Buffer.concat([u16le(Buffer.byteLength(v, "ucs2")), ucs2(v)]))]);
}

class Messages {
  packetId = 1;
  constructor(readonly stream: Duplex, readonly reader: ByteReader) {}
  async read(): Promise<{ type: number; payload: Buffer }> {
    const parts: Buffer[] = [];
    for (let i = 0; i < 64; i++) {
      const head = await this.reader.read(8);
      const length = head.readUInt16BE(2);
      if (length < 8) throw new Error("bad TDS packet length");
      parts.push(await this.reader.read(length - 8));
      if (head[1]! & 0x01) return { type: head[0]!, payload: Buffer.concat(parts) };
    }
    throw new Error("TDS message too long");
  }
  write(type: number, payload: Buffer): void {
    const max = 4096 - 8;
    for (let at = 0; at < payload.length || at === 0; at += max) {
      const chunk = payload.subarray(at, at + max);
      const last = at + max >= payload.length;
      const head = Buffer.alloc(8);
      head[0] = type;
      head[1] = last ? 0x01 : 0x00;
      head.writeUInt16BE(chunk.length + 8, 2);
      head[6] = this.packetId++ & 0xff;
      this.stream.write(Buffer.concat([head, chunk]));
      if (last) break;
    }
  }
}

function preloginResponse(): Buffer {
  const options: [number, Buffer][] = [
    [0x00, Buffer.from([16, 0, 0x10, 0x00, 0, 0])], // VERSION 16.0.4096
    [0x01, Buffer.from([0x03])], // ENCRYPTION: required (this server speaks TDS 8.0 strict only)
    [0x02, Buffer.from([0x00])], // INSTOPT
    [0x03, u32le(0)], // THREADID
    [0x04, Buffer.from([0x00])], // MARS off
    [0x06, Buffer.from([0x01])], // FEDAUTHREQUIRED
  ];
  let offset = options.length * 5 + 1;
  const heads: Buffer[] = [];
  for (const [token, data] of options) {
    const h = Buffer.alloc(5);
    h[0] = token;
    h.writeUInt16BE(offset, 1);
    h.writeUInt16BE(data.length, 3);
    heads.push(h);
    offset += data.length;
  }
  return Buffer.concat([...heads, Buffer.from([0xff]), ...options.map(([, d]) => d)]);
}

/** The database and the FEDAUTH security token of a LOGIN7 message (MS-TDS 2.2.6.4). */
function parseLogin7(p: Buffer): { database: string; token?: string } {
  const str = (at: number) => p.toString("ucs2", p.readUInt16LE(at), p.readUInt16LE(at) + p.readUInt16LE(at + 2) * 2);
  const database = str(68);
  const ibExtension = p.readUInt16LE(56);
  const cbExtension = p.readUInt16LE(58);
  if (cbExtension !== 4) return { database };
  let at = p.readUInt32LE(ibExtension);
  while (at < p.length && p[at] !== 0xff) {
    const feature = p[at]!;
    const len = p.readUInt32LE(at + 1);
    const data = p.subarray(at + 5, at + 5 + len);
    if (feature === 0x02 && (data[0]! >> 1) === 0x01) {
      const tokenLength = data.readUInt32LE(1);
      return { database, token: data.toString("ucs2", 5, 5 + tokenLength) };
    }
    at += 5 + len;
  }
  return { database };
}

export function handleTdsConnection(socket: net.Socket, options: WireOptions): void {
  socket.on("error", () => socket.destroy());
  void serve(socket, options).catch(() => socket.destroy());
}

async function serve(socket: net.Socket, options: WireOptions): Promise<void> {
  // TDS 8.0: the TLS handshake comes first (a TDS 7.x client's cleartext PRELOGIN fails the handshake).
  const secure = upgradeToTls(socket, Buffer.alloc(0), options.tls, ["tds/8.0"]);
  const m = new Messages(secure, new ByteReader(secure));
  const prelogin = await m.read();
  if (prelogin.type !== TYPE.PRELOGIN) return void secure.end();
  m.write(TYPE.TABULAR_RESULT, preloginResponse());
  const login = await m.read();
  if (login.type !== TYPE.LOGIN7) return void secure.end();
  const { database, token } = parseLogin7(login.payload);
  const fail = (message: string, server = "") => {
    m.write(TYPE.TABULAR_RESULT, Buffer.concat([errorToken(18456, message, server, 14), done(DONE_ERROR)]));
    secure.end();
  };
  let model: ServerModel;
  try {
    model = options.serverFor(secure.servername);
  } catch (e) {
    return fail(`Login failed: ${(e as Error).message}`);
  }
  const server = model.fqdn;
  if (!token) return fail("Login failed: this server accepts only Microsoft Entra access tokens (FEDAUTH).", server);
  let oid: string;
  try {
    oid = await authenticate(options, model, token, SQL_AUDIENCE, "");
  } catch (e) {
    return fail(`Login failed for user '<token-identified principal>'. ${(e as Error).message}`, server);
  }
  const loginAck = withLength(0xad, Buffer.concat([Buffer.from([0x01]), u32be(TDS_7_4), bVarChar("Microsoft SQL Server"), Buffer.from([16, 0, 0x10, 0x00])]));
  const envDatabase = withLength(0xe3, Buffer.concat([Buffer.from([0x01]), bVarChar(database || "master"), bVarChar("master")]));
  const featureAck = Buffer.concat([Buffer.from([0xae, 0x02]), u32le(0), Buffer.from([0xff])]);
  m.write(TYPE.TABULAR_RESULT, Buffer.concat([envDatabase, loginAck, featureAck, done(DONE_FINAL)]));

  const session = { server, database: database || "master", user: oid, oid };
  for (;;) {
    const msg = await m.read();
    // A client's cancel (tedious sends one when its request times out): acknowledged, as SQL Server does.
    if (msg.type === TYPE.ATTENTION) { m.write(TYPE.TABULAR_RESULT, done(DONE_ATTN)); continue; }
    if (msg.type !== TYPE.SQL_BATCH) {
      m.write(TYPE.TABULAR_RESULT, Buffer.concat([errorToken(8009, `TDS message type ${msg.type} is not supported by the sandbox emulator.`, server), done(DONE_ERROR)]));
      continue;
    }
    const headersLength = msg.payload.readUInt32LE(0);
    const text = msg.payload.toString("ucs2", headersLength);
    if (/^\s*(set\s[^\n]*(\n|$)\s*)+$/i.test(text)) { m.write(TYPE.TABULAR_RESULT, done(DONE_FINAL)); continue; }
    const out: Buffer[] = [];
    const fault = options.faults?.take(model.fqdn, text);
    try {
      const results = runUnderFault(fault, () => model.run(session, text));
      results.forEach((r, i) => {
        const more = i < results.length - 1 ? DONE_MORE : 0;
        if (r.columns) {
          out.push(colMetadata(r.columns), ...(r.rows ?? []).map(row), done(DONE_COUNT | more, (r.rows ?? []).length));
        } else {
          out.push(done(more));
        }
      });
    } catch (e) {
      const err = e instanceof DbError ? e : new DbError("S0001", (e as Error).message, 50000);
      out.push(errorToken(err.number || 50000, err.message, server), done(DONE_ERROR));
    }
    if (await answerUnderFault(fault) === "drop") return void socket.destroy();
    m.write(TYPE.TABULAR_RESULT, Buffer.concat(out));
  }
}
