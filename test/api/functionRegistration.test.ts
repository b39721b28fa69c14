// The thin Functions registration: HttpRequest -> router -> HttpResponseInit, with deps built from app settings.
import { HttpRequest, InvocationContext } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { readAuthorizationSettings, readStorageSettings } from "../../src/config/settings.js";
import { createTableStore } from "../../src/store/tableStore.js";
import { startLocalIssuer, TEST_OID, type LocalIssuer } from "../auth/localIssuer.js";
import { linkerSettings, startTestEmulator, type TestEmulator } from "./registrationSupport.js";

let issuer: LocalIssuer;
let te: TestEmulator;
let WEBAPP: string;
let BLOB: string;
const linkerPath = (name: string) => `${WEBAPP}/providers/Microsoft.ServiceLinker/linkers/${name}`;
const blobLinker = () => ({ properties: { targetService: { type: "AzureResource", id: BLOB }, authInfo: { authType: "systemAssignedIdentity" }, clientType: "nodejs" } });
/** An application's token for linkwright's audience, with linkwright's app role (its permissions: its role assignments). */
const appToken = () => issuer.token({ idtyp: "app", scp: undefined, roles: ["Connections.ReadWrite"] }, { audience: "api://linkwright" });
let handler: typeof import("../../src/functions/serviceLinkerApi.js").serviceLinkerApi;
const logs: string[] = [];

beforeAll(async () => {
  issuer = await startLocalIssuer();
  // ARM is the seeded emulator: linkwright plans with its own identity there and reads the caller's role assignments.
  te = await startTestEmulator({ seed: true, withAzurite: true });
  WEBAPP = te.emulator.seedResult!.resources.webApp!;
  BLOB = `${te.emulator.seedResult!.resources.storageAccount}/blobServices/default`;
  te.emulator.principals.add({ objectId: TEST_OID, displayName: "registration-test-app", principalType: "ServicePrincipal" });
  te.emulator.assignRole(TEST_OID, "Owner", `/subscriptions/${te.subscriptionId}`);
  const { connectionString } = inject("azurite");
  Object.assign(process.env, linkerSettings(te), {
    AzureWebJobsStorage: connectionString,
    LINKWRIGHT_STORAGE_ALLOW_INSECURE: "true",
    LINKWRIGHT_TABLE_PREFIX: "apifn",
    LINKWRIGHT_OPENID_ISSUER: issuer.issuer,
    LINKWRIGHT_AUDIENCE: "api://linkwright",
    LINKWRIGHT_ACCEPT_ARM_TOKENS: "true",
    LINKWRIGHT_SEAL_KEY: "function-test-seal-key-0123456789abcdef",
    LINKWRIGHT_REGION: "westeurope",
  });
  ({ serviceLinkerApi: handler } = await import("../../src/functions/serviceLinkerApi.js"));
});
afterAll(async () => { await issuer.close(); await te?.close(); });

function context(): InvocationContext {
  return new InvocationContext({ invocationId: "i1", functionName: "serviceLinkerApi", logHandler: (_level, ...args) => logs.push(args.map(String).join(" ")) });
}

async function invoke(method: string, path: string, options: { token?: string; body?: unknown } = {}) {
  const headers: Record<string, string> = {};
  if (options.token) headers["authorization"] = `Bearer ${options.token}`;
  const request = new HttpRequest({
    method, url: `http://127.0.0.1:7071${path}?api-version=2022-05-01`, headers,
    ...(options.body !== undefined ? { body: { string: JSON.stringify(options.body) } } : {}),
  });
  const response = await handler(request, context());
  return { ...response, json: typeof response.body === "string" ? JSON.parse(response.body) : undefined };
}

describe("serviceLinkerApi registration", () => {
  it("reads its settings: audiences include ARM's and the app's own", () => {
    const settings = readStorageSettings(process.env);
    const authorization = readAuthorizationSettings(process.env);
    expect([authorization.appAudience, ...authorization.armAudiences]).toEqual(expect.arrayContaining(["https://management.azure.com/", "api://linkwright"]));
    expect(settings.allowInsecure).toBe(true);
    expect(() => readAuthorizationSettings({ ...process.env, LINKWRIGHT_OPENID_ISSUER: "" })).toThrow(/LINKWRIGHT_OPENID_ISSUER/);
  });

  it("answers 401 in the ARM envelope without a token", async () => {
    const res = await invoke("GET", `${WEBAPP}/providers/Microsoft.ServiceLinker/linkers`);
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("AuthenticationFailed");
  });

  it("lists (no Durable client needed) with an app-audience token", async () => {
    const res = await invoke("GET", `/${WEBAPP}/providers/Microsoft.ServiceLinker/linkers`, { token: await appToken() });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ value: [] });
  });

  it("fails loudly on PUT while no orchestration layer is wired, recording the failure", async () => {
    const res = await invoke("PUT", linkerPath("fn1"), { token: await appToken(), body: blobLinker() });
    expect(res.status).toBe(500);
    expect(res.json.error.code).toBe("InternalServerError");
    const store = await createTableStore({ connectionString: inject("azurite").connectionString, tablePrefix: "apifn", allowInsecureConnection: true });
    const linker = await store.linkers.get(WEBAPP, "fn1");
    expect(linker?.provisioningState).toBe("Failed");
    expect((await store.operations.get(linker!.lastOperationId!))?.status).toBe("Failed");
  });
});
