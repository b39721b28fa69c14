// NCRONTAB and TimeSpan schedules (pure logic).
import { describe, expect, it } from "vitest";
import { parseNcrontab } from "../../sandbox/host/ncrontab.js";
import { parseTimerSchedule } from "../../sandbox/host/timer-schedule.js";

const t = (iso: string) => Date.parse(iso);
const next = (expr: string, after: string) => new Date(parseNcrontab(expr).next(t(after))).toISOString();

describe("NCRONTAB", () => {
  it("handles seconds-first six-field expressions with steps", () => {
    expect(next("0 */5 * * * *", "2026-01-01T00:01:30Z")).toBe("2026-01-01T00:05:00.000Z");
    expect(next("0 */5 * * * *", "2026-01-01T00:05:00Z")).toBe("2026-01-01T00:10:00.000Z");
    expect(next("*/15 * * * * *", "2026-01-01T00:00:14.900Z")).toBe("2026-01-01T00:00:15.000Z");
    expect(next("10/20 * * * * *", "2026-01-01T00:00:31Z")).toBe("2026-01-01T00:00:50.000Z");
  });

  it("handles ranges with steps, lists and names; day-of-month and day-of-week must both match", () => {
    expect(next("0 0 8-18/4 * * *", "2026-01-01T12:00:00Z")).toBe("2026-01-01T16:00:00.000Z");
    expect(next("0 30 9 * * MON-FRI", "2026-01-02T10:00:00Z")).toBe("2026-01-05T09:30:00.000Z"); // Fri → Mon
    expect(next("0 0 0 1,15 * *", "2026-01-02T00:00:00Z")).toBe("2026-01-15T00:00:00.000Z");
    expect(next("0 0 12 * Feb,Mar Sun", "2026-01-10T00:00:00Z")).toBe("2026-02-01T12:00:00.000Z");
    expect(next("0 0 0 13 * 5", "2026-01-01T00:00:00Z")).toBe("2026-02-13T00:00:00.000Z"); // first Friday the 13th
    expect(next("0 0 0 * * 7", "2026-01-01T00:00:00Z")).toBe("2026-01-04T00:00:00.000Z"); // 7 = Sunday
    expect(next("0 0 0 29 2 *", "2026-01-01T00:00:00Z")).toBe("2028-02-29T00:00:00.000Z");
  });

  it("accepts five-field expressions (second 0)", () => {
    expect(next("*/10 * * * *", "2026-01-01T00:00:01Z")).toBe("2026-01-01T00:10:00.000Z");
  });

  it("rejects malformed expressions", () => {
    expect(() => parseNcrontab("0 */5 * * *  * *")).toThrow(/6 fields/);
    expect(() => parseNcrontab("61 * * * * *")).toThrow(/out of range/);
    expect(() => parseNcrontab("0 5-1 * * * *")).toThrow(/Invalid range/);
    expect(() => parseNcrontab("0 */0 * * * *")).toThrow(/Invalid step/);
    expect(() => parseNcrontab("0 0 0 * * FUNDAY")).toThrow(/Invalid day-of-week/);
  });
});

describe("timer schedules", () => {
  it("treats hh:mm:ss and d.hh:mm:ss as intervals from the last occurrence", () => {
    const every10 = parseTimerSchedule("00:10:00");
    expect(every10.next(t("2026-01-01T00:00:00Z"))).toBe(t("2026-01-01T00:10:00Z"));
    expect(every10.next(t("2026-01-01T00:25:00Z"), t("2026-01-01T00:00:00Z"))).toBe(t("2026-01-01T00:30:00Z"));
    expect(parseTimerSchedule("1.02:00:00").next(t("2026-01-01T00:00:00Z"))).toBe(t("2026-01-02T02:00:00Z"));
    // A last run long ago: the next occurrence is computed, not iterated towards.
    expect(every10.next(t("2026-01-01T00:05:00Z"), t("2000-01-01T00:00:00Z"))).toBe(t("2026-01-01T00:10:00Z"));
  });

  it("resolves %Setting% references", () => {
    process.env["NCRONTAB_TEST_SCHEDULE"] = "0 0 * * * *";
    expect(parseTimerSchedule("%NCRONTAB_TEST_SCHEDULE%").next(t("2026-01-01T00:10:00Z"))).toBe(t("2026-01-01T01:00:00Z"));
    expect(() => parseTimerSchedule("%NCRONTAB_MISSING_SETTING%")).toThrow(/not defined/);
  });
});
