// Timer triggers: schedules on the shared Clock, runOnStartup, past-due detection and the schedule status Azure keeps
// in blob storage (container `azure-webjobs-hosts`, blob `timers/<hostId>/Host.Functions.<name>/status`,
// JSON {Last, Next, LastUpdated}).
import type { Clock } from "../clock.js";
import type { CoreRegistry } from "./core-module.js";
import type { Registration } from "./core-types.js";
import { bindingType, triggerOf } from "./catalog.js";
import type { FunctionRuntime } from "./function-runtime.js";
import type { HostLogger } from "./logger.js";
import { Stopper } from "./stoppable-sleep.js";
import { storageConnectionDefined, type StorageClients } from "./storage-connection.js";
import { timerInput } from "./timer-input.js";
import { parseTimerSchedule, type TimerSchedule } from "./timer-schedule.js";
import { runWithRetry } from "./retry-policy.js";

export const TIMER_STATUS_CONTAINER = "azure-webjobs-hosts";
/** .NET DateTime.MinValue as the status JSON writes it: "never ran". */
const NEVER = "0001-01-01T00:00:00";

export interface ScheduleStatus {
  Last: string;
  Next: string;
  LastUpdated: string;
}

export interface TimerServiceOptions {
  registry: CoreRegistry;
  runtime: FunctionRuntime;
  clock: Clock;
  logger: HostLogger;
  clients: StorageClients;
  hostId: string;
}

export interface TimerService {
  stop(): Promise<void>;
}

export function timerStatusBlobName(hostId: string, functionName: string): string {
  return `timers/${hostId}/Host.Functions.${functionName}/status`;
}

interface StatusStore {
  read(): Promise<ScheduleStatus | undefined>;
  write(status: ScheduleStatus): Promise<void>;
}

function blobStatusStore(clients: StorageClients, hostId: string, functionName: string): StatusStore {
  const container = clients.blobService("AzureWebJobsStorage").getContainerClient(TIMER_STATUS_CONTAINER);
  const blob = container.getBlockBlobClient(timerStatusBlobName(hostId, functionName));
  let ensured = false;
  return {
    async read() {
      if (!(await blob.exists())) return undefined;
      const buf = await blob.downloadToBuffer();
      return JSON.parse(buf.toString("utf8")) as ScheduleStatus;
    },
    async write(status) {
      if (!ensured) {
        await container.createIfNotExists();
        ensured = true;
      }
      const body = JSON.stringify(status);
      await blob.upload(body, Buffer.byteLength(body), { blobHTTPHeaders: { blobContentType: "application/json" } });
    },
  };
}

const memoryStatusStore = (): StatusStore => {
  let status: ScheduleStatus | undefined;
  return { read: async () => status, write: async (s) => void (status = s) };
};

export async function startTimers(options: TimerServiceOptions): Promise<TimerService> {
  const tz = process.env["WEBSITE_TIME_ZONE"];
  if (tz && !/^(utc|gmt|etc\/utc|coordinated universal time)$/i.test(tz)) {
    throw new Error(`WEBSITE_TIME_ZONE "${tz}" is not supported by the sandbox host: timer schedules run in UTC`);
  }
  const stopper = new Stopper();
  const loops: Promise<void>[] = [];
  const readies: Promise<void>[] = [];
  const timers = [...options.registry.functions.values()].filter((r) => bindingType(triggerOf(r).binding) === "timertrigger");
  for (const reg of timers) {
    const binding = triggerOf(reg).binding;
    const schedule = parseTimerSchedule(String(binding["schedule"] ?? ""));
    const useMonitor = binding["useMonitor"] !== false;
    let store: StatusStore;
    if (!useMonitor) store = memoryStatusStore();
    else if (storageConnectionDefined("AzureWebJobsStorage")) store = blobStatusStore(options.clients, options.hostId, reg.metadata.name);
    else {
      options.logger.log("warning", `AzureWebJobsStorage is not set (neither a connection string nor its identity-based form): the schedule status of "${reg.metadata.name}" is kept in memory only`);
      store = memoryStatusStore();
    }
    options.logger.log("information", `Timer "${reg.metadata.name}" schedule: ${schedule.description}`);
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    const loop = runTimer(reg, schedule, binding["runOnStartup"] === true, store, options, stopper, markReady).finally(markReady);
    loops.push(loop);
    readies.push(ready);
  }
  // Like Azure's TimerListener.StartAsync: past-due/runOnStartup invocations and the first schedule are done on return.
  await Promise.all(readies);
  return {
    async stop() {
      stopper.stop();
      await Promise.allSettled(loops);
    },
  };
}

async function runTimer(
  reg: Registration,
  schedule: TimerSchedule,
  runOnStartup: boolean,
  store: StatusStore,
  options: TimerServiceOptions,
  stopper: Stopper,
  markReady: () => void,
): Promise<void> {
  const name = reg.metadata.name;
  const { clock, logger } = options;
  const fire = async (isPastDue: boolean, status: ScheduleStatus | undefined, occurrence: number) => {
    const now = clock.now();
    try {
      await runWithRetry(reg, clock, stopper, (retryContext) =>
        options.runtime.invoke(
          name,
          timerInput({
            isPastDue,
            last: status?.Last,
            next: status?.Next ?? new Date(occurrence),
            now: new Date(now),
          }),
          retryContext ? { retryContext } : {},
        ),
      );
    } catch (err) {
      logger.log("error", `Timer function "${name}" failed: ${err instanceof Error ? err.message : String(err)}`, { functionName: name });
    }
    const next = schedule.next(Math.max(occurrence, clock.now()), occurrence);
    const saved: ScheduleStatus = { Last: new Date(occurrence).toISOString(), Next: new Date(next).toISOString(), LastUpdated: new Date(clock.now()).toISOString() };
    try {
      await store.write(saved);
    } catch (err) {
      logger.log("error", `Could not save the schedule status of "${name}": ${err instanceof Error ? err.message : String(err)}`);
    }
    return saved;
  };

  let status: ScheduleStatus | undefined;
  try {
    status = await store.read();
  } catch (err) {
    logger.log("error", `Could not read the schedule status of "${name}": ${err instanceof Error ? err.message : String(err)}`);
  }
  // Past due: the occurrence after the recorded last one is already behind us (Azure's TimerListener.CheckPastDueAsync).
  const now = clock.now();
  const expected = status ? Date.parse(status.Next) || schedule.next(Date.parse(status.Last), Date.parse(status.Last)) : undefined;
  const isPastDue = expected !== undefined && now > expected;
  if (stopper.isStopped) return;
  const fireAtStartup = isPastDue || runOnStartup;

  // The next sleep is registered before each invocation runs, so a clock advance during an invocation is not lost.
  const recordedLast = status ? Date.parse(status.Last) : NaN;
  const last = fireAtStartup ? now : recordedLast > 0 ? recordedLast : undefined;
  let next = schedule.next(now, last);
  let sleeping = stopper.sleep(clock, next - clock.now());
  if (!status && !fireAtStartup) {
    // Like Azure, record a first status (Last = DateTime.MinValue) so a restart after a missed occurrence is past due.
    status = { Last: NEVER, Next: new Date(next).toISOString(), LastUpdated: new Date(now).toISOString() };
    try {
      await store.write(status);
    } catch (err) {
      logger.log("error", `Could not save the schedule status of "${name}": ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  markReady();
  if (fireAtStartup) {
    logger.log("information", `Timer "${name}" ${isPastDue ? "is past due" : "runs on startup"}`, { functionName: name });
    status = await fire(isPastDue, status, now);
  }
  for (;;) {
    if (!(await sleeping)) return;
    const occurrence = next;
    next = schedule.next(Math.max(occurrence, clock.now()), occurrence);
    sleeping = stopper.sleep(clock, next - clock.now());
    status = await fire(false, status, occurrence);
  }
}
