import { describe, expect, it } from "vitest";
import { compilePattern, globMatches, globsIntersect, showGlob, STAR } from "../../src/loops/pattern.js";
import { subjectFilterGlob } from "../../src/loops/eventGrid.js";

const noSettings = () => undefined;
const g = (expr: string, settings: Record<string, string> = {}) => compilePattern(expr, (n) => settings[n]).glob;

describe("compilePattern", () => {
  it("turns every {expression} into one wildcard and keeps literals", () => {
    expect(showGlob(g("images/{name}.{ext}"))).toBe("images/*.*");
    expect(showGlob(g("out/{rand-guid}{DateTime}"))).toBe("out/*");
    expect(showGlob(g("lit/{{2014}}/{name}"))).toBe("lit/{2014}/*");
  });
  it("substitutes %Setting% and reports unknown settings as wildcards", () => {
    const known = compilePattern("%Container%/{name}", (n) => (n === "Container" ? "uploads" : undefined));
    expect(showGlob(known.glob)).toBe("uploads/*");
    expect(known.unresolved).toEqual([]);
    const unknown = compilePattern("%Missing%/{name}", noSettings);
    expect(showGlob(unknown.glob)).toBe("*/*");
    expect(unknown.unresolved).toEqual(["Missing"]);
  });
});

describe("globsIntersect", () => {
  const cases: [string, string, boolean][] = [
    ["images/{name}", "images/thumbs/{name}", true], // a placeholder matches '/'
    ["in/{name}", "out/{name}", false],
    ["images/{name}", "images/{name}", true],
    ["{name}.png", "{name}.jpg", false],
    ["{name}.png", "thumbs/{name}", true],
    ["images/in/{name}", "images/out/{name}", false],
    ["images/{name}.png", "images/thumbs/{name}.png", true],
    ["images/{name}.png", "images/thumbs/{name}.jpg", false],
    ["a{x}b", "{y}c", false],
    ["a{x}", "{y}b", true], // "ab"
    ["abc", "abc", true],
    ["abc", "abd", false],
    ["a{x}c", "abc", true],
    ["a{x}c", "ab", false],
    ["{x}", "", true],
    ["a{x}b{y}c", "{z}bcb{w}", true], // e.g. "abcbc"
    ["x{a}y{b}z", "{c}yy{d}", true], // "xyyz"
    ["pre/{a}/suf", "pre/{b}", true],
    ["pre/{a}/suf", "pre/{b}/other", false],
  ];
  it.each(cases)("%s ∩ %s → %s", (a, b, expected) => {
    expect(globsIntersect(g(a), g(b))).toBe(expected);
    expect(globsIntersect(g(b), g(a))).toBe(expected);
  });
  it("agrees with a brute-force check over a small alphabet", () => {
    // Every string over {a,b,/} up to length 5, matched by regex, against the DP.
    const words: string[] = [""];
    for (let len = 1; len <= 5; len++) {
      for (const w of words.filter((x) => x.length === len - 1)) for (const c of "ab/") words.push(w + c);
    }
    const patterns = ["a{x}", "{x}b", "a/{x}", "{x}/{y}", "ab", "{x}a{y}", "b{x}a", "{x}", "a{x}b{y}", "/b{x}"];
    const toRegex = (p: string) => new RegExp(`^${g(p).split(STAR).map((s) => s.replace(/[/]/g, "\\/")).join(".*")}$`);
    for (const p of patterns) {
      for (const q of patterns) {
        const brute = words.some((w) => toRegex(p).test(w) && toRegex(q).test(w));
        expect(globsIntersect(g(p), g(q)), `${p} ∩ ${q}`).toBe(brute);
      }
    }
  });
  it("globMatches tests one concrete name", () => {
    expect(globMatches(g("images/{name}"), "images/thumbs/a.png")).toBe(true);
    expect(globMatches(g("images/in/{name}"), "images/out/a.png")).toBe(false);
  });
});

describe("subjectFilterGlob (storage Event Grid subjects)", () => {
  it("maps subjectBeginsWith/EndsWith to container/path globs", () => {
    expect(showGlob(subjectFilterGlob("/blobServices/default/containers/images/blobs/in/", ".png"))).toBe("images/in/*.png");
    expect(showGlob(subjectFilterGlob("/blobServices/default/containers/images/"))).toBe("images/*");
    expect(showGlob(subjectFilterGlob(""))).toBe("*");
  });
});
