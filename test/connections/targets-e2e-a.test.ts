// Seeded targets end to end, part a (storage, Key Vault, databases, Cosmos): one stack, cases one after another (see targets-e2e.ts).
import { afterAll, beforeAll, describe, it } from "vitest";
import { startLinkwright, type Linkwright } from "./linkwright.js";
import { connectValidateDelete, TARGET_CASES } from "./targets-e2e.js";

const CASES = TARGET_CASES.slice(0, 9);
let lw: Linkwright;
beforeAll(async () => { lw = await startLinkwright(); }, 60_000);
afterAll(async () => { await lw?.stop(); });

describe("create, configurations, validate, delete", () => {
  it.each(CASES.map((c) => [c.kind, c] as const))("%s", async (_kind, c) => {
    await connectValidateDelete(lw, c);
  }, 30_000);
});
