// Re-importing the app in one process (vi.resetModules): duplicates throw like the worker, unless the host is asked
// to replace registrations; hooks from the earlier import are dropped, not doubled.
import { afterAll, describe, expect, it, vi } from "vitest";
import { inject } from "vitest";
import { startFunctionHost, silentLogger, type FunctionHost } from "../../sandbox/host/index.js";
import { NON_DURABLE_ENTRY, sampleAppDir, uniqueNames } from "./sample-app.js";

const options = () => ({
  appDir: sampleAppDir,
  entry: NON_DURABLE_ENTRY,
  env: { AzureWebJobsStorage: inject("azurite").connectionString, ...uniqueNames("r") },
  logger: silentLogger,
  listeners: { timers: false, queues: false },
});
let host: FunctionHost | undefined;
afterAll(async () => {
  await host?.stop();
});

describe("re-importing the app", () => {
  it("serves the same registrations again when the modules are cached", async () => {
    host = await startFunctionHost(options());
    await host.stop();
    host = await startFunctionHost(options());
    expect(await (await fetch(`${host.baseUrl}/hooked`)).text()).toBe("handler|post:pre-ran");
    await host.stop();
    host = undefined;
  });

  it("throws the worker's duplicate error when the app module runs again", async () => {
    vi.resetModules();
    await expect(startFunctionHost(options())).rejects.toThrow(/Worker was unable to load entry point "src\/functions\/\w+\.ts": A function with id "\w+" has already been registered\./);
  });

  it("replaces registrations and hooks with replaceRegistrations", async () => {
    vi.resetModules();
    host = await startFunctionHost({ ...options(), replaceRegistrations: true });
    expect(await (await fetch(`${host.baseUrl}/hooked`)).text()).toBe("handler|post:pre-ran");
    expect(await (await fetch(`${host.baseUrl}/hello/again`)).text()).toBe("Hello, again");
  });
});
