// Route templates, routePrefix and main-glob expansion (pure logic).
import path from "node:path";
import { describe, expect, it } from "vitest";
import { compareRoutes, compileRoute, matchRoute } from "../../sandbox/host/route-template.js";
import { stripRoutePrefix } from "../../sandbox/host/http-trigger.js";
import { expandGlob } from "../../sandbox/host/glob.js";
import { resolveEntryFiles } from "../../sandbox/host/loader.js";
import { parseTimeSpan } from "../../sandbox/host/app-settings.js";
import { sampleAppDir } from "./sample-app.js";

const match = (template: string, p: string) => matchRoute(compileRoute(template), p);

describe("route templates", () => {
  it("matches literals case-insensitively and binds parameters", () => {
    expect(match("Orders/{id}", "/orders/42")).toEqual({ id: "42" });
    expect(match("orders/{id}", "/orders/42/extra")).toBeUndefined();
    expect(match("orders/{id}", "/orders/a%2Fb")).toEqual({ id: "a/b" });
  });

  it("handles optional parameters, defaults and catch-all", () => {
    expect(match("hello/{name?}", "/hello")).toEqual({});
    expect(match("hello/{name?}", "/hello/x")).toEqual({ name: "x" });
    expect(match("page/{n=1}", "/page")).toEqual({ n: "1" });
    expect(match("files/{*path}", "/files/a/b/c.txt")).toEqual({ path: "a/b/c.txt" });
    expect(match("files/{*path}", "/files")).toEqual({});
    expect(match("{*path}", "/")).toEqual({});
    expect(match("{*path}", "/subscriptions/s1/providers/Microsoft.ServiceLinker/linkers/l1")).toEqual({
      path: "subscriptions/s1/providers/Microsoft.ServiceLinker/linkers/l1",
    });
  });

  it("applies constraints", () => {
    expect(match("items/{id:int}", "/items/12")).toEqual({ id: "12" });
    expect(match("items/{id:int}", "/items/1.5")).toBeUndefined();
    expect(match("items/{name:alpha}", "/items/abc")).toEqual({ name: "abc" });
    expect(match("items/{name:alpha}", "/items/ab1")).toBeUndefined();
    expect(match("x/{g:guid}", "/x/7d444840-9dc0-11d1-b245-5ffdce74fad2")).toBeDefined();
    expect(match("x/{g:guid}", "/x/nope")).toBeUndefined();
    expect(match("x/{n:int:min(10)}", "/x/9")).toBeUndefined();
    expect(match("x/{n:int:range(1,5)}", "/x/5")).toEqual({ n: "5" });
    expect(match("x/{s:length(2,3)}", "/x/abcd")).toBeUndefined();
    expect(match("x/{b:bool}", "/x/TRUE")).toEqual({ b: "TRUE" });
    expect(match("x/{v:regex(^v\\d+$)}", "/x/v12")).toEqual({ v: "v12" });
    expect(() => compileRoute("x/{v:nonsense}")).toThrow(/Unknown route constraint/);
  });

  it("supports complex segments like {name}.{ext}", () => {
    expect(match("dl/{name}.{ext}", "/dl/report.pdf")).toEqual({ name: "report", ext: "pdf" });
  });

  it("orders literal routes before parameter and catch-all routes", () => {
    const routes = ["items/{*rest}", "items/{id}", "items/special", "items/{id:int}"].map(compileRoute);
    expect(routes.sort(compareRoutes).map((r) => r.template)).toEqual(["items/special", "items/{id:int}", "items/{id}", "items/{*rest}"]);
  });

  it("strips routePrefix (default api; \"\" keeps the path)", () => {
    expect(stripRoutePrefix("/api/x", "api")).toBe("/x");
    expect(stripRoutePrefix("/API/x", "api")).toBe("/x");
    expect(stripRoutePrefix("/x", "api")).toBeUndefined();
    expect(stripRoutePrefix("/apix", "api")).toBeUndefined();
    expect(stripRoutePrefix("/x", "")).toBe("/x");
  });
});

describe("main globs", () => {
  it("expands *, {a,b} and ** relative to the app folder, sorted", () => {
    const rel = (files: string[]) => files.map((f) => path.relative(sampleAppDir, f).replace(/\\/g, "/"));
    expect(rel(expandGlob(sampleAppDir, "src/functions/*.ts"))).toEqual([
      "src/functions/durable.ts",
      "src/functions/hooks.ts",
      "src/functions/http.ts",
      "src/functions/triggers.ts",
    ]);
    expect(rel(expandGlob(sampleAppDir, "src/functions/{http,hooks}.ts"))).toEqual(["src/functions/hooks.ts", "src/functions/http.ts"]);
    expect(rel(expandGlob(sampleAppDir, "**/greet.js"))).toEqual(["cjs-app/functions/greet.js"]);
    expect(rel(expandGlob(sampleAppDir, "./package.json"))).toEqual(["package.json"]);
  });

  it("fails loudly when main matches nothing (the sample's main points at an unbuilt dist/)", () => {
    expect(() => resolveEntryFiles(sampleAppDir, undefined)).toThrow('Worker was unable to load entry point "dist/src/functions/*.js": Found zero files matching the supplied pattern');
    expect(() => resolveEntryFiles(sampleAppDir, "missing.js")).toThrow('Worker was unable to load entry point "missing.js": File does not exist');
  });
});

describe("TimeSpan", () => {
  it("parses hh:mm:ss, d.hh:mm:ss and fractions", () => {
    expect(parseTimeSpan("00:00:10")).toBe(10_000);
    expect(parseTimeSpan("1.02:03:04")).toBe(((24 + 2) * 3600 + 3 * 60 + 4) * 1000);
    expect(parseTimeSpan("00:00:00.5")).toBe(500);
    expect(() => parseTimeSpan("10")).toThrow(/not a TimeSpan/);
    expect(() => parseTimeSpan("00:61:00")).toThrow(/not a valid TimeSpan/);
  });
});
