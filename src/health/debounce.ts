// Debounce bursts: collect items for a window after the first one (at most maxWaitMs in all), then hand the union
// to `flush` once. Items arriving during a flush start the next window. Timers are injectable for tests.

export interface DebouncerOptions<T> {
  windowMs: number;
  /** Upper bound from the first item of a burst to its flush (default 4 × windowMs). */
  maxWaitMs?: number;
  flush(batch: T[]): Promise<void>;
  /** Identity for de-duplication (default: the item itself). */
  key?: (item: T) => string;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  now?: () => number;
  /** Called when a flush throws (default: rethrown from flushNow, logged nowhere otherwise). */
  onError?: (error: unknown) => void;
}

export interface Debouncer<T> {
  add(items: readonly T[]): void;
  /** Flushes what is pending now and waits for every flush in progress. */
  flushNow(): Promise<void>;
  /** Waits for flushes in progress without forcing the pending window. */
  settled(): Promise<void>;
  readonly pending: number;
}

export function createDebouncer<T>(options: DebouncerOptions<T>): Debouncer<T> {
  const setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const now = options.now ?? Date.now;
  const key = options.key ?? ((item: T) => String(item));
  let batch = new Map<string, T>();
  let firstAt = 0;
  let timer: unknown;
  let inFlight: Promise<void> = Promise.resolve();

  const fire = (): Promise<void> => {
    if (timer !== undefined) { clearTimer(timer); timer = undefined; }
    if (batch.size === 0) return inFlight;
    const items = [...batch.values()];
    batch = new Map();
    inFlight = inFlight.then(() => options.flush(items)).catch((e) => {
      if (options.onError) options.onError(e);
      else throw e;
    });
    return inFlight;
  };

  return {
    get pending() { return batch.size; },
    add(items) {
      if (!items.length) return;
      if (batch.size === 0) firstAt = now();
      for (const item of items) batch.set(key(item), item);
      if (timer !== undefined) clearTimer(timer);
      const maxWait = options.maxWaitMs ?? options.windowMs * 4;
      const wait = Math.max(0, Math.min(options.windowMs, firstAt + maxWait - now()));
      timer = setTimer(() => { void fire(); }, wait);
    },
    flushNow: () => fire(),
    settled: () => inFlight,
  };
}
