// The shared Azurite runs as `npm start` runs it: in OAuth mode (`--oauth basic`) over HTTPS, so the keyless path
// (identity-based AzureWebJobsStorage, a managed identity's token) is the path the suite takes. A token from the
// emulator's managed-identity endpoint for Azure Storage opens tables, queues and blobs; a request without a token, a
// token for another audience or from an issuer Azure Storage does not trust is refused — the mode is real.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { randomUUID } from "node:crypto";
import { SignJWT, decodeJwt, generateKeyPair } from "jose";
import { ManagedIdentityCredential, type TokenCredential } from "@azure/identity";
import { TableClient } from "@azure/data-tables";
import { QueueClient } from "@azure/storage-queue";
import { BlobServiceClient } from "@azure/storage-blob";
import { startTestEmulator, type TestEmulator } from "../sandbox-arm/support/emulator.js";

const STORAGE = "https://storage.azure.com/.default";
const { tableEndpoint, queueEndpoint, blobEndpoint } = inject("azurite");
let t: TestEmulator;
let managedIdentity: TokenCredential;
let principalId: string;

/** A credential that hands out one fixed token (what a client holding someone else's token would send). */
const fixed = (token: string): TokenCredential => ({ getToken: async () => ({ token, expiresOnTimestamp: Date.now() + 3600_000 }) });

/** The status, Azure Storage error code and AuthenticationErrorDetail of a refused call. */
async function refusal(call: Promise<unknown>): Promise<{ statusCode?: number; code?: string; detail: string }> {
  type Detail = { AuthenticationErrorDetail?: string };
  type StorageError = { statusCode?: number; code?: string; message: string; details?: Detail & { errorCode?: string; additionalProperties?: Detail } };
  const e = await call.then(() => { throw new Error("the call succeeded"); }, (err: unknown) => err as StorageError);
  // Tables put Azure Storage's error fields on `details`, queues and blobs under `details.additionalProperties`.
  const detail = e.details?.AuthenticationErrorDetail ?? e.details?.additionalProperties?.AuthenticationErrorDetail ?? e.message;
  return { statusCode: e.statusCode, code: e.code ?? e.details?.errorCode, detail };
}

beforeAll(async () => {
  t = await startTestEmulator();
  const mi = t.emulator.principals.createManagedIdentity(`/subscriptions/${t.subscriptionId}/resourceGroups/rg/providers/Microsoft.Web/sites/keyless`, "SystemAssigned");
  principalId = mi.principalId;
  Object.assign(process.env, t.emulator.managedIdentityEnvironment(principalId));
  managedIdentity = new ManagedIdentityCredential();
});
afterAll(async () => {
  delete process.env.IDENTITY_ENDPOINT;
  delete process.env.IDENTITY_HEADER;
  await t?.close();
});

describe("the shared Azurite: OAuth mode over HTTPS", () => {
  it("listens on https:// with the development account in the path", () => {
    for (const endpoint of [tableEndpoint, queueEndpoint, blobEndpoint]) expect(endpoint).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
  });

  it("the emulator's managed-identity token for Azure Storage is the shape Azure Storage accepts (v1.0: sts.windows.net issuer)", async () => {
    const claims = decodeJwt((await managedIdentity.getToken(STORAGE))!.token);
    expect(claims).toMatchObject({ aud: "https://storage.azure.com", iss: `https://sts.windows.net/${t.tenantId}/`, ver: "1.0", oid: principalId });
  });

  it("a managed identity's token opens tables, queues and blobs", async () => {
    const name = `mi${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    const table = new TableClient(tableEndpoint, name, managedIdentity);
    await table.createTable();
    await table.upsertEntity({ partitionKey: "p", rowKey: "r", value: 7 });
    expect((await table.getEntity<{ value: number }>("p", "r")).value).toBe(7);
    const queue = new QueueClient(`${queueEndpoint}/${name}`, managedIdentity);
    await queue.createIfNotExists();
    await queue.sendMessage("keyless");
    expect((await queue.receiveMessages()).receivedMessageItems[0]?.messageText).toBe("keyless");
    const container = new BlobServiceClient(blobEndpoint, managedIdentity).getContainerClient(name);
    await container.createIfNotExists();
    await container.getBlockBlobClient("b").upload("x", 1);
    expect((await container.getBlobClient("b").getProperties()).contentLength).toBe(1);
  });

  it("refuses a request without a token", async () => {
    const name = `anon${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    expect(await refusal(new TableClient(tableEndpoint, name).createTable())).toMatchObject({ statusCode: 403 });
    expect(await refusal(new QueueClient(`${queueEndpoint}/${name}`).create())).toMatchObject({ statusCode: 403 });
    expect(await refusal(new BlobServiceClient(blobEndpoint).getContainerClient(name).create())).toMatchObject({ statusCode: 403 });
  });

  it("refuses a token for another audience: ARM's, another storage account's, another service's", async () => {
    const name = `aud${randomUUID().replace(/-/g, "").slice(0, 12)}`;
    const arm = fixed(await t.emulator.tokenFor("admin", "https://management.azure.com"));
    expect(await refusal(new TableClient(tableEndpoint, name, arm).createTable())).toMatchObject({ statusCode: 403, code: "AuthenticationFailed" });
    // Right issuer, wrong audience: the same managed identity's token for another account, or for the blob service.
    const otherAccount = fixed((await managedIdentity.getToken("https://otheraccount.table.core.windows.net/.default"))!.token);
    expect(await refusal(new TableClient(tableEndpoint, name, otherAccount).createTable()))
      .toEqual({ statusCode: 403, code: "AuthenticationFailed", detail: "Invalid token audience." });
    const blobService = fixed((await managedIdentity.getToken("https://devstoreaccount1.blob.core.windows.net/.default"))!.token);
    expect(await refusal(new QueueClient(`${queueEndpoint}/${name}`, blobService).create()))
      .toEqual({ statusCode: 403, code: "AuthenticationFailed", detail: "Invalid token audience." });
  });

  it("refuses a storage-audience token from an issuer Azure Storage does not trust", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ oid: principalId, tid: t.tenantId })
      .setProtectedHeader({ alg: "RS256", typ: "JWT" })
      .setIssuer(`${t.endpoint}/${t.tenantId}/v2.0`).setAudience("https://storage.azure.com")
      .setIssuedAt(now).setNotBefore(now - 60).setExpirationTime(now + 600).sign(privateKey);
    const refused = await refusal(new TableClient(tableEndpoint, `iss${randomUUID().replace(/-/g, "").slice(0, 12)}`, fixed(token)).createTable());
    expect(refused).toEqual({ statusCode: 403, code: "AuthenticationFailed", detail: "Invalid token issuer." });
  });
});
