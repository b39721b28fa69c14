// Sleeping on the shared Clock in a way `stop()` can interrupt (real timers are cleared; fake sleeps are abandoned).
import { systemClock, type Clock } from "../clock.js";

export class Stopper {
  private stopped = false;
  private readonly waiters = new Set<() => void>();

  get isStopped(): boolean {
    return this.stopped;
  }

  stop(): void {
    this.stopped = true;
    for (const wake of this.waiters) wake();
    this.waiters.clear();
  }

  /** Resolves true after `ms` on `clock`, or false as soon as the stopper stops. */
  sleep(clock: Clock, ms: number): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const onStop = () => {
        if (timer) clearTimeout(timer);
        resolve(false);
      };
      this.waiters.add(onStop);
      const done = () => {
        this.waiters.delete(onStop);
        resolve(!this.stopped);
      };
      if (clock === systemClock) timer = setTimeout(done, Math.max(0, ms));
      else void clock.sleep(ms).then(done);
    });
  }
}
