// Raw ARM wire bodies for the catalogue checks: the catalogue's fact paths are written against the JSON Azure sends
// (e.g. `properties.serviceBusEndpoint`), while several pinned SDKs flatten `properties` in their models.
import { expect } from "vitest";
import { rawRequest } from "../support/raw.js";
import type { TestEmulator } from "../support/emulator.js";

export async function armWire(t: TestEmulator, method: "GET" | "POST", id: string, apiVersion = "2024-01-01"): Promise<any> {
  const token = (await t.credential.getToken("https://management.azure.com/.default"))!.token;
  const res = await rawRequest(t.endpoint, method, `${id}${id.includes("?") ? "&" : "?"}api-version=${apiVersion}`, { token, ...(method === "POST" ? { body: "{}" } : {}) });
  expect(res.status, res.text).toBe(200);
  return res.json();
}
