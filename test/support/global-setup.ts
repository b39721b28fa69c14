// Vitest global setup: one in-memory Azurite for the whole run.
// Test files read the connection through `inject("azurite")` (see test/support/env.ts)
// and isolate themselves with their own table/queue name prefixes.
import type { TestProject } from "vitest/node";
import { startAzurite, type AzuriteInstance } from "../../sandbox/azurite.js";

let azurite: AzuriteInstance | undefined;

export async function setup(project: TestProject): Promise<void> {
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
  }
}
