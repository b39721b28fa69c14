// A retry budget shared by one (re)validation run, on top of the SDK's own retries (which already honour
// Retry-After): when a throttling storm outlasts the SDK's attempts, the run waits as the service asks and tries
// again, as long as the budget lasts — so a 429 storm delays the run instead of producing false failures.
// Bounded concurrency for the run's reads.

export interface RetryBudgetOptions {
  /** Extra attempts for the whole run (beyond the SDK's). Default 20. */
  maxRetries?: number;
  /** The run stops retrying after this long from its start. Default 120 s. */
  maxElapsedMs?: number;
  /** Wait when the service gives no Retry-After. Default 1 s, doubled per attempt of one call, capped at 30 s. */
  baseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface RetryBudget {
  run<T>(what: string, fn: () => Promise<T>): Promise<T>;
  readonly retriesUsed: number;
}

const TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);

function statusOf(e: unknown): number | undefined {
  return (e as { statusCode?: number }).statusCode;
}

/** Seconds or HTTP-date, from a RestError's response headers. */
export function retryAfterMs(e: unknown, now: number): number | undefined {
  const headers = (e as { response?: { headers?: { get?(name: string): string | undefined } } }).response?.headers;
  const value = headers?.get?.("retry-after") ?? headers?.get?.("x-ms-retry-after-ms");
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

export function isTransient(e: unknown): boolean {
  const status = statusOf(e);
  if (status !== undefined) return TRANSIENT.has(status);
  const code = (e as { code?: string }).code ?? "";
  return ["ECONNRESET", "ETIMEDOUT", "ECONNREFUSED", "REQUEST_SEND_ERROR"].includes(code);
}

export function createRetryBudget(options: RetryBudgetOptions = {}): RetryBudget {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  const maxElapsed = options.maxElapsedMs ?? 120_000;
  let remaining = options.maxRetries ?? 20;
  let used = 0;
  return {
    get retriesUsed() { return used; },
    async run<T>(what: string, fn: () => Promise<T>): Promise<T> {
      for (let attempt = 0; ; attempt++) {
        try {
          return await fn();
        } catch (e) {
          const elapsed = now() - started;
          if (!isTransient(e) || remaining <= 0 || elapsed >= maxElapsed) throw e;
          const wait = Math.min(
            retryAfterMs(e, now()) ?? (options.baseDelayMs ?? 1000) * 2 ** attempt,
            30_000, Math.max(0, maxElapsed - elapsed));
          remaining--;
          used++;
          await sleep(wait);
          void what;
        }
      }
    },
  };
}
