// Generates (once) a local CA and a server certificate it signs, for the emulator's HTTPS listener.
// Files: ca.pem (trust this with NODE_EXTRA_CA_CERTS), ca-key.pem, server.pem, server-key.pem.
// Safe under concurrency: each file is written to a temp name and renamed into place; a reader
// only trusts the set once `ready.json` (written last) names the CA fingerprint the server cert chains to.
import { generate } from "selfsigned";
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { X509Certificate, randomUUID } from "node:crypto";
import path from "node:path";

export interface CertificateFiles {
  caCertFile: string;
  certFile: string;
  keyFile: string;
  ca: string;
  cert: string;
  key: string;
}

export const DEFAULT_CERT_DIR = ".sandbox/certs";

function writeAtomic(file: string, content: string): void {
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(tmp, content, { mode: 0o600 });
  renameSync(tmp, file);
}

function readIfValid(dir: string): CertificateFiles | undefined {
  const files = {
    caCertFile: path.join(dir, "ca.pem"),
    certFile: path.join(dir, "server.pem"),
    keyFile: path.join(dir, "server-key.pem"),
  };
  const marker = path.join(dir, "ready.json");
  if (!existsSync(marker) || !Object.values(files).every((f) => existsSync(f))) return undefined;
  try {
    const ca = readFileSync(files.caCertFile, "utf8");
    const cert = readFileSync(files.certFile, "utf8");
    const key = readFileSync(files.keyFile, "utf8");
    const caX = new X509Certificate(ca);
    const serverX = new X509Certificate(cert);
    const ready = JSON.parse(readFileSync(marker, "utf8")) as { caFingerprint?: string };
    if (ready.caFingerprint !== caX.fingerprint256) return undefined;
    if (!serverX.checkIssued(caX) || !serverX.verify(caX.publicKey)) return undefined;
    if (new Date(serverX.validTo).getTime() < Date.now() + 24 * 3600_000) return undefined;
    if (!serverX.checkIP("127.0.0.1") || !serverX.checkHost("localhost")) return undefined;
    return { ...files, ca, cert, key };
  } catch {
    return undefined;
  }
}

/** Returns the CA + server certificate in `dir`, generating them when absent, invalid or near expiry. */
export async function ensureCertificates(dir: string = DEFAULT_CERT_DIR): Promise<CertificateFiles> {
  const abs = path.resolve(dir);
  const existing = readIfValid(abs);
  if (existing) return existing;
  mkdirSync(abs, { recursive: true });
  const notBeforeDate = new Date(Date.now() - 3600_000);
  const notAfterDate = new Date(Date.now() + 825 * 24 * 3600_000);
  const ca = await generate([{ name: "commonName", value: "linkwright sandbox local CA" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: "basicConstraints", cA: true, critical: true },
      { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    ],
  });
  const server = await generate([{ name: "commonName", value: "localhost" }], {
    keySize: 2048,
    algorithm: "sha256",
    notBeforeDate,
    notAfterDate,
    ca: { key: ca.private, cert: ca.cert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [{ type: 2, value: "localhost" }, { type: 7, ip: "127.0.0.1" }] },
    ],
  });
  // A concurrent generator may have finished meanwhile: keep its set so every process trusts one CA.
  const raced = readIfValid(abs);
  if (raced) return raced;
  writeAtomic(path.join(abs, "ca-key.pem"), ca.private);
  writeAtomic(path.join(abs, "ca.pem"), ca.cert);
  writeAtomic(path.join(abs, "server-key.pem"), server.private);
  writeAtomic(path.join(abs, "server.pem"), server.cert);
  writeAtomic(path.join(abs, "ready.json"), JSON.stringify({ caFingerprint: new X509Certificate(ca.cert).fingerprint256 }));
  const written = readIfValid(abs);
  if (written) return written;
  // Another writer interleaved its files with ours; its final state wins once complete.
  for (let i = 0; i < 50; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const settled = readIfValid(abs);
    if (settled) return settled;
  }
  throw new Error(`could not produce a consistent certificate set in ${abs}`);
}
