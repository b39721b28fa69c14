// Vitest global setup: one in-memory Azurite for the whole run.
// Test files read the connection through `inject("azurite")` (see test/support/env.ts)
// and isolate themselves with their own table/queue name prefixes.
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
  azurite = await startAzurite();
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
