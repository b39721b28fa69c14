// A timer trigger's schedule: NCRONTAB, or a TimeSpan (`hh:mm:ss`, `d.hh:mm:ss`) meaning "every interval";
// `%Setting%` resolves from app settings first.
import { parseTimeSpan, resolveSettingReference } from "./app-settings.js";
import { parseNcrontab } from "./ncrontab.js";

export interface TimerSchedule {
  description: string;
  /** Next occurrence after `after`; `last` is the previous occurrence (TimeSpan schedules count from it). */
  next(after: number, last?: number): number;
}

export function parseTimerSchedule(schedule: string): TimerSchedule {
  const resolved = resolveSettingReference(schedule).trim();
  if (/^(\d+\.)?\d{1,2}:\d{1,2}:\d{1,2}(\.\d+)?$/.test(resolved)) {
    const interval = parseTimeSpan(resolved);
    if (interval <= 0) throw new Error(`Timer interval "${resolved}" must be positive`);
    return {
      description: `Every ${resolved}`,
      next: (after, last) => {
        const base = last !== undefined && last > 0 ? last : after;
        if (base + interval > after) return base + interval;
        return base + (Math.floor((after - base) / interval) + 1) * interval;
      },
    };
  }
  const cron = parseNcrontab(resolved);
  return { description: resolved, next: (after) => cron.next(after) };
}
