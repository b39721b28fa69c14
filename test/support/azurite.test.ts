import { describe, expect, it, inject } from "vitest";
import { TableClient } from "@azure/data-tables";
import { QueueClient } from "@azure/storage-queue";

describe("test Azurite (global setup)", () => {
  const { connectionString } = inject("azurite");

  it("serves tables", async () => {
    const table = TableClient.fromConnectionString(connectionString, "supportprobe", { allowInsecureConnection: true });
    await table.createTable();
    await table.upsertEntity({ partitionKey: "p", rowKey: "r", value: 42 });
    const e = await table.getEntity<{ value: number }>("p", "r");
    expect(e.value).toBe(42);
  });

  it("serves queues", async () => {
    const queue = new QueueClient(connectionString, "supportprobe");
    await queue.createIfNotExists();
    await queue.sendMessage("hello");
    const { receivedMessageItems } = await queue.receiveMessages();
    expect(receivedMessageItems[0]?.messageText).toBe("hello");
  });
});
