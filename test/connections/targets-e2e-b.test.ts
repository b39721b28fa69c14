// Seeded targets end to end, part b (messaging, SignalR/Web PubSub, App Configuration, Redis, cognitive services, App Insights, Confluent): one stack, cases one after another (see targets-e2e.ts).
import { describeTargetCases, TARGET_CASES } from "./targets-e2e.js";

describeTargetCases(TARGET_CASES.slice(9));
