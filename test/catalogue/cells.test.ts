// Table-driven: every (target, auth, client) cell of the catalogue against the transcription of targets.md.
import { describe, expect, it } from "vitest";
import {
  configurationEntries,
  defaultRoles,
  describeTarget,
  isCatalogueError,
  listTargets,
  resolveTarget,
  roleScope,
  supportedAuthTypes,
  supportedClientTypes,
  TARGET_KINDS,
  type TargetKind,
} from "../../src/catalogue/index.js";
import { FACTS, IDS, LOCAL, ROLES, ROWS, SUPPORT } from "./expected-names.js";

const cells = ROWS.flatMap((row) => row.clients.map((client) => ({ ...row, client })));

describe("every expected cell produces the documented names and values", () => {
  it.each(cells.map((c) => [`${c.target} ${c.auth} ${c.client}`, c] as const))("%s", (_label, c) => {
    // userAccount is a local connection's (a connector's); the Azure sources share one list (webapp, the default).
    const result = configurationEntries({ targetKind: c.target, authType: c.auth, clientType: c.client, facts: FACTS[c.facts]!, ...(c.auth === "userAccount" ? { sourceKind: "local" } : {}) });
    if (isCatalogueError(result)) throw new Error(`${result.code}: ${result.message}`);
    expect(result.map((e) => [e.name, e.value])).toEqual(Object.entries(c.names));
    const secrets = result.filter((e) => e.isSecret).map((e) => e.name);
    for (const s of c.secrets ?? []) expect(secrets).toContain(s);
    for (const e of result) expect(e.description.length).toBeGreaterThan(0);
  });
});

describe("the catalogue has exactly the expected cells", () => {
  const covered = new Set(Object.keys(SUPPORT));
  it("covers every target kind, and the expectation table covers every target", () => {
    expect(listTargets().map((d) => d.kind).sort()).toEqual([...TARGET_KINDS].sort());
    expect([...covered].sort()).toEqual([...TARGET_KINDS].sort());
  });
  it.each(Object.entries(SUPPORT))("%s supports the documented auth and client types, defaults first", (kind, s) => {
    for (const source of ["webapp", "functionapp", "slot", "containerapp"] as const) {
      expect(supportedAuthTypes(kind as TargetKind, source)).toEqual(s.auth);
    }
    expect(supportedClientTypes(kind as TargetKind)).toEqual(s.clients);
  });
  it.each(Object.entries(LOCAL))("%s supports the documented auth types from a local connection", (kind, auth) => {
    expect(supportedAuthTypes(kind as TargetKind, "local")).toEqual(auth);
  });
  it.each(Object.keys(SUPPORT))("%s: no cell without an expectation and no expectation without a cell", (kind) => {
    const d = describeTarget(kind)!;
    const actual = Object.entries(d.cells).flatMap(([auth, byClient]) => Object.keys(byClient ?? {}).map((c) => `${auth}/${c}`));
    const expected = new Set(cells.filter((c) => c.target === kind).map((c) => `${c.auth}/${c.client}`));
    expect(actual.sort()).toEqual([...expected].sort());
  });
});

describe("ids, roles and role scopes", () => {
  it.each(Object.entries(IDS))("%s id resolves, also in other letter case", (kind, t) => {
    for (const id of [t.id, t.id.toLowerCase(), t.id.toUpperCase().replace("/SUBSCRIPTIONS/SUB-1", "/subscriptions/sub-1")]) {
      const r = resolveTarget(id);
      if (isCatalogueError(r)) throw new Error(r.message);
      expect(r.kind).toBe(kind);
      expect(r.parts.resourceName?.toLowerCase()).toBe(t.resourceName);
    }
    const scope = roleScope(t.id, kind as TargetKind);
    expect(scope).toBe(t.roleScope);
  });
  it.each(Object.entries(ROLES))("%s default roles", (kind, ids) => {
    expect(defaultRoles(kind as TargetKind).map((r) => r.id)).toEqual(ids);
  });
  it("rejects ids of no supported target, naming the supported ones", () => {
    const r = resolveTarget("/subscriptions/s/resourceGroups/r/providers/Microsoft.Foo/bars/x");
    expect(isCatalogueError(r) && r.code).toBe("BadRequest");
    expect(isCatalogueError(r) && r.message).toMatch(/storage-blob/);
  });
  it("rejects a storage account id without the service segment", () => {
    expect(isCatalogueError(resolveTarget("/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a"))).toBe(true);
  });
});
