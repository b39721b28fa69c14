// Vitest global setup: one in-memory Azurite for the whole run, in OAuth mode over HTTPS as `npm start` runs it (the
// sandbox's server certificate), so the keyless path is the tested one: a managed identity's token from the emulator
// opens it, the connection string (Shared Key) keeps working too.
// Test files read the connection through `inject("azurite")` and isolate themselves with their own table/queue names.
import type { TestProject } from "vitest/node";
import { startAzurite, type AzuriteInstance } from "../../sandbox/azurite.js";
import { ensureCertificates, DEFAULT_CERT_DIR } from "../../sandbox/arm/core/certs.js";

let azurite: AzuriteInstance | undefined;

export async function setup(project: TestProject): Promise<void> {
  // The ARM emulator's CA + server certificate, generated once into .sandbox/certs; worker forks inherit
  // NODE_EXTRA_CA_CERTS, so every SDK client in every test trusts emulators started with this folder.
  const certs = await ensureCertificates(DEFAULT_CERT_DIR);
  process.env.NODE_EXTRA_CA_CERTS = certs.caCertFile;
  project.provide("armCerts", { certDir: DEFAULT_CERT_DIR, caCertFile: certs.caCertFile });
  azurite = await startAzurite({ oauth: { certFile: certs.certFile, keyFile: certs.keyFile } });
  project.provide("azurite", {
    connectionString: azurite.connectionString,
    blobEndpoint: azurite.blobEndpoint,
    queueEndpoint: azurite.queueEndpoint,
    tableEndpoint: azurite.tableEndpoint,
  });
}

export async function teardown(): Promise<void> {
  await azurite?.stop();
}

declare module "vitest" {
  export interface ProvidedContext {
    azurite: { connectionString: string; blobEndpoint: string; queueEndpoint: string; tableEndpoint: string };
    /** Where the ARM emulator's certificates live; NODE_EXTRA_CA_CERTS already points at caCertFile. */
    armCerts: { certDir: string; caCertFile: string };
  }
}
