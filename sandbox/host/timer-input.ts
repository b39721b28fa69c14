// The timer trigger's input as the host sends it (PascalCase; the library camel-cases it).
import type { RpcTypedData } from "./core-types.js";

export interface TimerInputArgs {
  isPastDue: boolean;
  /** A Date, or a status string as stored (e.g. "0001-01-01T00:00:00" for never). */
  last: Date | string | undefined;
  next: Date | string | undefined;
  now: Date;
}

export function timerInput(args: TimerInputArgs): RpcTypedData {
  const iso = (d: Date | string | undefined) => (d === undefined ? "0001-01-01T00:00:00" : typeof d === "string" ? d : d.toISOString());
  return {
    json: JSON.stringify({
      Schedule: { AdjustForDST: true },
      ScheduleStatus: { Last: iso(args.last), Next: iso(args.next), LastUpdated: args.now.toISOString() },
      IsPastDue: args.isPastDue,
    }),
  };
}
