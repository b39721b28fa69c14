// Storage queue trigger and queue/blob/table output bindings against the shared Azurite.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { QueueServiceClient } from "@azure/storage-queue";
import { BlobServiceClient } from "@azure/storage-blob";
import { TableClient } from "@azure/data-tables";
import { startFunctionHost, memoryLogger, type FunctionHost } from "../../sandbox/host/index.js";
import { NON_DURABLE_ENTRY, sampleAppDir, uniqueNames, waitFor } from "./sample-app.js";

const names = uniqueNames("q");
const logger = memoryLogger();
let host: FunctionHost;
let queues: QueueServiceClient;

const b64 = (s: string) => Buffer.from(s, "utf8").toString("base64");
const unb64 = (s: string) => Buffer.from(s, "base64").toString("utf8");

async function receiveAll(queueName: string, count: number): Promise<string[]> {
  const q = queues.getQueueClient(queueName);
  const got: string[] = [];
  await waitFor(`${count} message(s) on ${queueName}`, async () => {
    if (!(await q.exists())) return undefined;
    const res = await q.receiveMessages({ numberOfMessages: 32, visibilityTimeout: 60 });
    for (const m of res.receivedMessageItems) {
      got.push(unb64(m.messageText));
      await q.deleteMessage(m.messageId, m.popReceipt);
    }
    return got.length >= count ? got : undefined;
  });
  return got;
}

beforeAll(async () => {
  const { connectionString } = inject("azurite");
  queues = QueueServiceClient.fromConnectionString(connectionString);
  host = await startFunctionHost({
    appDir: sampleAppDir,
    entry: NON_DURABLE_ENTRY,
    env: { AzureWebJobsStorage: connectionString, ...names },
    logger,
    listeners: { timers: false },
  });
});
afterAll(async () => {
  await host?.stop();
});

describe("storage queue trigger", () => {
  it("decodes base64 messages, passes dequeueCount/id metadata and writes the queue output base64-encoded", async () => {
    const input = queues.getQueueClient(names.IN_QUEUE);
    await input.createIfNotExists();
    const sent = await input.sendMessage(b64(JSON.stringify({ text: "hi" })));
    const [out] = await receiveAll(names.OUT_QUEUE, 1);
    expect(JSON.parse(out!)).toEqual({ received: { text: "hi" }, dequeueCount: 1, id: sent.messageId });
    // The message was deleted after success.
    const peek = await input.peekMessages({ numberOfMessages: 1 });
    expect(peek.peekedMessageItems).toHaveLength(0);
  });

  it("retries a failing message and moves it to <queue>-poison after maxDequeueCount (2 in the sample host.json)", async () => {
    const input = queues.getQueueClient(names.IN_QUEUE);
    await input.sendMessage(b64(JSON.stringify({ fail: true })));
    const poison = queues.getQueueClient(`${names.IN_QUEUE}-poison`);
    const msg = await waitFor("the poison message", async () => {
      if (!(await poison.exists())) return undefined;
      const res = await poison.peekMessages({ numberOfMessages: 1 });
      return res.peekedMessageItems[0];
    });
    expect(JSON.parse(unb64(msg.messageText))).toEqual({ fail: true });
    // The log line follows the copy to the poison queue and the delete.
    await waitFor("the poison log line", async () => (logger.lines.some((l) => l.message.includes("Moving message to queue")) ? true : undefined));
    const failures = logger.lines.filter((l) => l.message.includes("failing on purpose"));
    expect(failures.map((l) => /dequeue (\d)/.exec(l.message)?.[1])).toEqual(expect.arrayContaining(["1", "2"]));
    expect(logger.lines.some((l) => l.message.includes(`Moving message to queue '${names.IN_QUEUE}-poison'`))).toBe(true);
  });

  it("fails a message that is not valid base64 instead of passing garbage to the function", async () => {
    const input = queues.getQueueClient(names.IN_QUEUE);
    await input.sendMessage("not base64!");
    await waitFor("the decoding failure", async () => (logger.lines.some((l) => l.message.includes("Message decoding has failed")) ? true : undefined));
  });
});

describe("output bindings", () => {
  it("writes queue (array → several messages), blob and table outputs from an HTTP function", async () => {
    const res = await fetch(`${host.baseUrl}/orders`, { method: "POST", body: JSON.stringify({ id: "o-17", qty: 3 }), headers: { "content-type": "application/json" } });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ accepted: "o-17" });

    const messages = await receiveAll(names.ORDERS_QUEUE, 2);
    expect(messages).toEqual([JSON.stringify({ orderId: "o-17" }), "plain-o-17"]);

    const { connectionString } = inject("azurite");
    const blob = BlobServiceClient.fromConnectionString(connectionString).getContainerClient(names.ORDERS_CONTAINER).getBlobClient("o-17.json");
    expect(JSON.parse((await blob.downloadToBuffer()).toString("utf8"))).toEqual({ id: "o-17", qty: 3 });

    const table = TableClient.fromConnectionString(connectionString, names.ORDERS_TABLE, { allowInsecureConnection: true });
    const entity = await table.getEntity<{ qty: number }>("orders", "o-17");
    expect(entity.qty).toBe(3);
  });
});
