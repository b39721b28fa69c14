// The host's side of durable functions: the app's HTTP starter gets a durableClient input, the durable engine runs the
// orchestration/activity/entity through the host bridge, and /runtime/webhooks/durabletask/ reaches the engine.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { startFunctionHost, memoryLogger, type FunctionHost } from "../../sandbox/host/index.js";
import { ALL_ENTRY, sampleAppDir, uniqueNames, waitFor } from "./sample-app.js";

let host: FunctionHost;
const logger = memoryLogger();
const names = uniqueNames("d");

beforeAll(async () => {
  host = await startFunctionHost({
    appDir: sampleAppDir,
    entry: ALL_ENTRY,
    env: { AzureWebJobsStorage: inject("azurite").connectionString, ...names },
    logger,
    listeners: { timers: false, queues: false },
  });
});
afterAll(async () => {
  await host?.stop();
});

describe("durable seam", () => {
  it("reports the durable trigger types to the bridge's function list", () => {
    const types = Object.fromEntries(host.functions().map((f) => [f.name, f.triggerType]));
    expect(types).toMatchObject({ helloSequence: "orchestrationTrigger", sayHello: "activityTrigger", counter: "entityTrigger", startOrchestration: "httpTrigger" });
    const binding = JSON.parse(host.durable!.clientBindingValue()) as { taskHubName: string; rpcBaseUrl: string };
    // host.json says "hubName": "%SAMPLE_TASK_HUB%"; the app setting names this file's own hub.
    expect(binding).toMatchObject({ taskHubName: names.SAMPLE_TASK_HUB, rpcBaseUrl: `${host.baseUrl}/runtime/webhooks/durabletask/` });
  });

  it("runs an orchestration started by the app's HTTP starter, with management URLs on this host", async () => {
    const res = await fetch(`${host.baseUrl}/orchestrators/helloSequence`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ cities: ["Tokyo", "Seattle"] }),
    });
    expect(res.status).toBe(202);
    const check = (await res.json()) as { id: string; statusQueryGetUri: string };
    expect(check.statusQueryGetUri.startsWith(`${host.baseUrl}/runtime/webhooks/durabletask/instances/${check.id}`)).toBe(true);

    const done = await waitFor(
      "the orchestration to complete",
      async () => {
        const status = (await (await fetch(`${host.baseUrl}/status/${check.id}`)).json()) as { runtimeStatus: string; output: unknown };
        return status.runtimeStatus === "Completed" || status.runtimeStatus === "Failed" ? status : undefined;
      },
      20_000,
    );
    expect(done).toEqual({ runtimeStatus: "Completed", output: { greetings: ["Hello Tokyo", "Hello Seattle"], count: 2 } });

    // The management API answers on the host's own port (routed to the engine before the app's routes).
    const direct = await fetch(check.statusQueryGetUri);
    expect(direct.status).toBe(200);
    expect(await direct.json()).toMatchObject({ instanceId: check.id, runtimeStatus: "Completed" });

    // Activity invocations went through the host's invoker (logged with their function name).
    expect(logger.lines.some((l) => l.fields?.["functionName"] === "sayHello" && l.message.startsWith("Executed"))).toBe(true);
  });
});
