// Seeded targets end to end, part a (storage, Key Vault, databases, Cosmos): one stack, cases one after another (see targets-e2e.ts).
import { describeTargetCases, TARGET_CASES } from "./targets-e2e.js";

describeTargetCases(TARGET_CASES.slice(0, 9));
