// Child process of the kill test: starts a runtime on the given hub, starts the orchestration and keeps
// running until it is killed (SIGKILL). Environment: DT_CONN, DT_HUB, DT_LOG, DT_INSTANCE.
import { createDurableRuntime } from "../../../sandbox/host/durable/index.js";
import { createTestBridge } from "./bridge.js";
import { killApp } from "./kill-app.js";

const { DT_CONN, DT_HUB, DT_LOG, DT_INSTANCE } = process.env;
if (!DT_CONN || !DT_HUB || !DT_LOG || !DT_INSTANCE) throw new Error("kill-child: DT_CONN, DT_HUB, DT_LOG and DT_INSTANCE are required");
const runtime = await createDurableRuntime({
  hubName: DT_HUB,
  storageConnectionString: DT_CONN,
  bridge: createTestBridge(killApp(DT_LOG)),
  hostBaseUrl: "http://127.0.0.1:7071",
  log: (line) => process.stderr.write(`${line}\n`),
});
await runtime.start();
await runtime.startNew("TenSteps", { instanceId: DT_INSTANCE });
process.stdout.write("started\n");
setInterval(() => undefined, 1000);
