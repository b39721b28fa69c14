// Function-level retry policies (`retry` on app.timer etc.: fixedDelay / exponentialBackoff): the host re-invokes
// with `retryContext {retryCount, maxRetryCount, exception}` until the count is exhausted.
import type { Clock } from "../clock.js";
import type { Registration, RpcRetryContext } from "./core-types.js";
import type { Stopper } from "./stoppable-sleep.js";

function durationMs(d: { seconds?: number | string; nanos?: number } | null | undefined): number {
  if (!d) return 0;
  return Number(d.seconds ?? 0) * 1000 + Math.floor((d.nanos ?? 0) / 1e6);
}

export async function runWithRetry<T>(reg: Registration, clock: Clock, stopper: Stopper, attempt: (ctx: RpcRetryContext | undefined) => Promise<T>): Promise<T> {
  const retry = reg.metadata.retryOptions;
  if (!retry) return attempt(undefined);
  const max = retry.maxRetryCount ?? 0;
  const exponential = String(retry.retryStrategy ?? retry.strategy).toLowerCase().includes("exponential");
  let retryCount = 0;
  let lastError: unknown;
  for (;;) {
    try {
      return await attempt({
        retryCount,
        maxRetryCount: max,
        ...(lastError ? { exception: { message: lastError instanceof Error ? lastError.message : String(lastError), ...(lastError instanceof Error && lastError.stack ? { stackTrace: lastError.stack } : {}) } } : {}),
      });
    } catch (err) {
      lastError = err;
      if (max !== -1 && retryCount >= max) throw err;
      retryCount++;
      const delay = exponential
        ? Math.min(durationMs(retry.maximumInterval) || Infinity, durationMs(retry.minimumInterval) * 2 ** (retryCount - 1))
        : durationMs(retry.delayInterval);
      if (!(await stopper.sleep(clock, delay))) throw err;
    }
  }
}
