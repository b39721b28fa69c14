// Pull-style reads over a socket ("give me n bytes"), detachable before a TLS upgrade of the same socket.
import { Duplex } from "node:stream";
import tls from "node:tls";
import type net from "node:net";

export class ByteReader {
  private buf = Buffer.alloc(0);
  private waiting: { n: number; resolve: (b: Buffer) => void; reject: (e: Error) => void } | undefined;
  private ended: Error | undefined;
  private readonly onData = (chunk: Buffer) => { this.buf = Buffer.concat([this.buf, chunk]); this.pump(); };
  private readonly onEnd = () => { this.ended = new Error("connection closed"); this.pump(); };

  constructor(private readonly stream: Duplex, private readonly timeoutMs = 30_000) {
    stream.on("data", this.onData);
    stream.on("end", this.onEnd);
    stream.on("close", this.onEnd);
    stream.on("error", this.onEnd);
  }

  read(n: number): Promise<Buffer> {
    if (this.waiting) return Promise.reject(new Error("concurrent read"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.waiting = undefined; reject(new Error("read timed out")); }, this.timeoutMs);
      this.waiting = {
        n,
        resolve: (b) => { clearTimeout(timer); resolve(b); },
        reject: (e) => { clearTimeout(timer); reject(e); },
      };
      this.pump();
    });
  }

  /** Stops reading (before the socket is wrapped in TLS) and returns what arrived unread (e.g. the TLS ClientHello). */
  detach(): Buffer {
    this.stream.off("data", this.onData);
    this.stream.off("end", this.onEnd);
    this.stream.off("close", this.onEnd);
    this.stream.off("error", this.onEnd);
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest;
  }

  private pump(): void {
    const w = this.waiting;
    if (!w) return;
    if (this.buf.length >= w.n) {
      const out = this.buf.subarray(0, w.n);
      this.buf = this.buf.subarray(w.n);
      this.waiting = undefined;
      w.resolve(Buffer.from(out));
    } else if (this.ended) {
      this.waiting = undefined;
      w.reject(this.ended);
    }
  }
}

/** Server-side TLS over a socket whose reader was detached; `unread` (bytes the client already sent) is fed first. */
export function upgradeToTls(socket: net.Socket, unread: Buffer, credentials: { key: string; cert: string }, alpn?: string[]): tls.TLSSocket {
  const inner = new Duplex({
    read() { socket.resume(); },
    write(chunk: Buffer, _enc, cb) { socket.write(chunk, cb); },
    final(cb) { socket.end(); cb(); },
    destroy(err, cb) { socket.destroy(err ?? undefined); cb(err); },
  });
  if (unread.length) inner.push(unread);
  socket.on("data", (c: Buffer) => { if (!inner.push(c)) socket.pause(); });
  socket.on("end", () => inner.push(null));
  socket.on("close", () => inner.destroy());
  const secure = new tls.TLSSocket(inner, { isServer: true, key: credentials.key, cert: credentials.cert, ...(alpn ? { ALPNProtocols: alpn } : {}) });
  secure.on("error", () => socket.destroy());
  return secure;
}
