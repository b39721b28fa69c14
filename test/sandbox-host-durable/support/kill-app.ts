// The app of the kill test: a 10-step sequence whose activity appends one line per execution to a log file,
// so executions survive the process that ran them.
import { appendFileSync } from "node:fs";
import type { OrchestrationContext } from "durable-functions";
import type { TestApp } from "./bridge.js";

export const STEPS = 10;

export function killApp(logFile: string): TestApp {
  return {
    orchestrations: {
      TenSteps: function* (context: OrchestrationContext) {
        const out: number[] = [];
        for (let i = 0; i < STEPS; i++) out.push((yield context.df.callActivity("Step", i)) as number);
        return out;
      },
    },
    activities: {
      Step: async (i) => {
        appendFileSync(logFile, `${i as number}\n`);
        await new Promise((r) => setTimeout(r, 40));
        return (i as number) * 2;
      },
    },
  };
}
