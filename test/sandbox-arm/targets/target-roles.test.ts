// The connection targets' built-in roles (targets.md §5a): every role the catalogue assigns is in the emulator's
// BUILTIN_ROLES (core roles + sandbox/arm/core/target-roles.ts), once, with the catalogue's GUID.
import { describe, expect, it } from "vitest";
import { BUILTIN_ROLES } from "../../../sandbox/arm/core/builtin-roles.js";
import { TARGET_ROLES } from "../../../sandbox/arm/core/target-roles.js";
import { listTargets } from "../../../src/catalogue/index.js";

describe("target built-in roles", () => {
  it("defines every default role of every catalogue target with its GUID, and no GUID twice", () => {
    const all = BUILTIN_ROLES;
    for (const r of TARGET_ROLES) expect(all).toContain(r);
    const byId = new Map(all.map((r) => [r.name, r.roleName]));
    expect(byId.size).toBe(all.length);
    for (const target of listTargets()) {
      for (const r of target.defaultRoles) expect(byId.get(r.id), `${target.kind}: ${r.name}`).toBe(r.name);
    }
  });

  it("gives data actions only through dataActions and keeps Readers-style read actions", () => {
    const sender = TARGET_ROLES.find((r) => r.roleName === "Azure Service Bus Data Sender")!;
    expect(sender.permissions[0]).toMatchObject({ dataActions: ["Microsoft.ServiceBus/*/send/action"], actions: expect.arrayContaining(["Microsoft.ServiceBus/*/queues/read"]) });
  });
});
