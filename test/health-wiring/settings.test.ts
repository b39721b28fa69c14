// Health settings from app settings (pure): schedule binding, auto-heal default, own identity, validation errors.
import { describe, expect, it } from "vitest";
import { DEFAULT_HEALTH_SCHEDULE, DEFAULT_ROLE_PROPAGATION_SECONDS, healthSchedule, readApiSettings, readHealthSettings } from "../../src/config/settings.js";

const BASE = {
  AzureWebJobsStorage: "UseDevelopmentStorage=true",
  LINKWRIGHT_OPENID_ISSUER: "https://login.example/tenant/v2.0",
  LINKWRIGHT_SEAL_KEY: "0123456789abcdef0123456789abcdef",
};

describe("health settings", () => {
  it("binds the schedule by reference when set, else every 15 minutes", () => {
    expect(healthSchedule({ LINKWRIGHT_HEALTH_SCHEDULE: "0 0 * * * *" })).toBe("%LINKWRIGHT_HEALTH_SCHEDULE%");
    expect(healthSchedule({})).toBe(DEFAULT_HEALTH_SCHEDULE);
    expect(DEFAULT_HEALTH_SCHEDULE).toBe("0 */15 * * * *");
  });

  it("defaults: auto-heal off, 500 ms window, no ignored callers, the one role-propagation default", () => {
    const s = readHealthSettings(BASE);
    expect(s).toMatchObject({ autoHealDefault: false, eventWindowMs: 500, pageSize: 500, ignoreCallers: [] });
    // One default for LINKWRIGHT_ROLE_PROPAGATION_SECONDS, shared with validation (it had three, read in three places).
    expect(s.propagationWindowMs).toBe(DEFAULT_ROLE_PROPAGATION_SECONDS * 1000);
    expect(DEFAULT_ROLE_PROPAGATION_SECONDS).toBe(480);
  });

  it("reads auto-heal, the window, the propagation window and linkwright's own client id", () => {
    const s = readHealthSettings({
      ...BASE, LINKWRIGHT_AUTOHEAL_DEFAULT: "TRUE", LINKWRIGHT_HEALTH_EVENT_WINDOW_MS: "50",
      LINKWRIGHT_ROLE_PROPAGATION_SECONDS: "30", LINKWRIGHT_IDENTITY_CLIENT_ID: "11111111-2222-3333-4444-555555555555",
    });
    expect(s).toMatchObject({ autoHealDefault: true, eventWindowMs: 50, propagationWindowMs: 30_000, ignoreCallers: ["11111111-2222-3333-4444-555555555555"] });
  });

  it("fails loudly on invalid values and missing required settings", () => {
    expect(() => readHealthSettings({ ...BASE, LINKWRIGHT_AUTOHEAL_DEFAULT: "yes" })).toThrow(/LINKWRIGHT_AUTOHEAL_DEFAULT/);
    expect(() => readHealthSettings({ ...BASE, LINKWRIGHT_HEALTH_EVENT_WINDOW_MS: "0" })).toThrow(/LINKWRIGHT_HEALTH_EVENT_WINDOW_MS/);
    expect(() => readApiSettings({ ...BASE, LINKWRIGHT_SEAL_KEY: undefined })).toThrow(/LINKWRIGHT_SEAL_KEY/);
  });
});
