// The database emulators' TLS certificate: signed by the sandbox CA (the one NODE_EXTRA_CA_CERTS trusts) for the
// Azure database DNS suffixes, so drivers verify it against the real server FQDN exactly as in Azure, wherever
// LINKWRIGHT_DATABASE_ENDPOINTS routes the socket. Key + certificate live in one file, replaced atomically.
import { generateKeyPairSync, randomUUID, X509Certificate } from "node:crypto";
import { existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { generate } from "selfsigned";
import { ensureCertificates, DEFAULT_CERT_DIR } from "../arm/core/certs.js";

export const DATABASE_DNS_SUFFIXES = ["database.windows.net", "postgres.database.azure.com", "mysql.database.azure.com"];

export interface DatabaseTls {
  key: string;
  cert: string;
  caCertFile: string;
}

function valid(bundle: { key: string; cert: string }, ca: string): boolean {
  try {
    const x = new X509Certificate(bundle.cert);
    const caX = new X509Certificate(ca);
    return x.checkIssued(caX) && x.verify(caX.publicKey) && new Date(x.validTo).getTime() > Date.now() + 24 * 3600_000
      && DATABASE_DNS_SUFFIXES.every((s) => x.checkHost(`server.${s}`) !== undefined);
  } catch {
    return false;
  }
}

export async function ensureDatabaseCertificate(certDir: string = DEFAULT_CERT_DIR): Promise<DatabaseTls> {
  const ca = await ensureCertificates(certDir);
  const file = path.join(path.resolve(certDir), "database-server.json");
  if (existsSync(file)) {
    try {
      const bundle = JSON.parse(readFileSync(file, "utf8")) as { key: string; cert: string };
      if (valid(bundle, ca.ca)) return { ...bundle, caCertFile: ca.caCertFile };
    } catch { /* regenerate */ }
  }
  const caKey = readFileSync(path.join(path.resolve(certDir), "ca-key.pem"), "utf8");
  const pair = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
  const generated = await generate([{ name: "commonName", value: "linkwright sandbox databases" }], {
    algorithm: "sha256",
    keyPair: { privateKey: pair.privateKey, publicKey: pair.publicKey },
    notBeforeDate: new Date(Date.now() - 3600_000),
    notAfterDate: new Date(Date.now() + 825 * 24 * 3600_000),
    ca: { key: caKey, cert: ca.ca },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      { name: "subjectAltName", altNames: [...DATABASE_DNS_SUFFIXES.map((s) => ({ type: 2 as const, value: `*.${s}` })), { type: 2 as const, value: "localhost" }, { type: 7 as const, ip: "127.0.0.1" }] },
    ],
  });
  const bundle = { key: pair.privateKey, cert: generated.cert };
  const tmp = `${file}.${process.pid}.${randomUUID()}.tmp`;
  writeFileSync(tmp, JSON.stringify(bundle), { mode: 0o600 });
  renameSync(tmp, file);
  return { ...bundle, caCertFile: ca.caCertFile };
}
