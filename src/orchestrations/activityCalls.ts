// The orchestrators' one way to call an activity, typed from the activities themselves (as Temporal's
// proxyActivities<ReturnType<typeof createActivities>>()): no activity names and no result types at call sites.
//   const acts = activitiesOf(context);
//   const planned = yield* acts.plan(start);                 // schedules the activity and returns its typed result
//   const calls = steps.map((s) => acts.runStep(s));         // or schedule several, yield a Task.any/all of their
//   yield context.df.Task.any(calls.map((c) => c.task));     // tasks, then `yield*` each for its result
// `yield*` a call once: yielding its task again would emit the action again.
import type * as df from "durable-functions";
import type { OrchestrationContext } from "durable-functions";
import type { ConnectionActivities } from "../activities/connectionActivities.js";
import { Activities } from "./names.js";

/** A scheduled activity call: its durable task, and (through `yield*`) its typed result. */
export interface ActivityCall<Result> {
  readonly task: df.Task;
  [Symbol.iterator](): Generator<df.Task, Result, unknown>;
}

export type ActivityCalls = {
  [K in keyof ConnectionActivities]: (input: Parameters<ConnectionActivities[K]>[0]) => ActivityCall<Awaited<ReturnType<ConnectionActivities[K]>>>;
};

export function activitiesOf(context: OrchestrationContext): ActivityCalls {
  const callOf = (name: string) => (input: unknown): ActivityCall<unknown> => {
    const task = context.df.callActivity(name, input);
    return { task, *[Symbol.iterator]() { return yield task; } };
  };
  return Object.fromEntries(Object.entries(Activities).map(([key, name]) => [key, callOf(name)])) as ActivityCalls;
}

/** `yield*` it for the results of calls scheduled together (one Task.all; none when there are none). */
export function* allOf<Result>(context: OrchestrationContext, calls: readonly ActivityCall<Result>[]): Generator<df.Task, Result[], unknown> {
  return calls.length ? ((yield context.df.Task.all(calls.map((c) => c.task))) as Result[]) : [];
}
