// A clock the sandbox parts share, so tests can run timers and durable timers on a fake time line.
export interface Clock {
  now(): number;
  /** Resolves after `ms` of this clock's time. */
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

/** A manually advanced clock: sleepers wake when `advance` moves time past their deadline. */
export class FakeClock implements Clock {
  private sleepers: { at: number; wake: () => void }[] = [];
  constructor(private current = Date.UTC(2026, 0, 1)) {}

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => {
      this.sleepers.push({ at: this.current + Math.max(0, ms), wake });
    });
  }

  /** Moves time forward, waking each due sleeper in deadline order and letting it run before the next. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      this.sleepers.sort((a, b) => a.at - b.at);
      const next = this.sleepers[0];
      if (!next || next.at > target) break;
      this.sleepers.shift();
      this.current = Math.max(this.current, next.at);
      next.wake();
      await new Promise((r) => setImmediate(r));
    }
    this.current = target;
  }
}
