// The Resource Graph KQL subset, as pure functions: parsing (and its errors) and evaluation over rows.
import { describe, expect, it } from "vitest";
import { KqlError, parseKql, runKql } from "../../../sandbox/arm/providers/resourcegraph/kql.js";

const rows = [
  { id: "/s/a", name: "app1", type: "microsoft.web/sites", properties: { outboundIpAddresses: "1.1.1.1", n: 3 }, tags: { env: "dev" } },
  { id: "/s/B", name: "St1", type: "microsoft.storage/storageaccounts", properties: { n: 1 }, tags: {} },
  { id: "/s/c", name: "app2", type: "microsoft.web/sites", properties: { outboundIpAddresses: "2.2.2.2", n: 2 }, tags: { env: "prod" } },
];

const run = (q: string) => runKql(parseKql(q), rows);

describe("KQL subset", () => {
  it("filters with =~, ==, in~, and/or/not and parentheses", () => {
    expect(run("Resources | where type =~ 'Microsoft.Web/Sites'").map((r) => r.name)).toEqual(["app1", "app2"]);
    expect(run("resources | where name == 'st1'")).toEqual([]);
    expect(run("resources | where name =~ 'st1'").map((r) => r.name)).toEqual(["St1"]);
    expect(run("Resources | where id in~ ('/s/b', '/S/C')").map((r) => r.name)).toEqual(["St1", "app2"]);
    expect(run("Resources | where id !in ('/s/a')").map((r) => r.name)).toEqual(["St1", "app2"]);
    expect(run("Resources | where type =~ 'microsoft.web/sites' and tags.env == 'prod'").map((r) => r.name)).toEqual(["app2"]);
    expect(run("Resources | where (name == 'app1' or name == 'app2') and not(tags['env'] == 'dev')").map((r) => r.name)).toEqual(["app2"]);
    expect(run("Resources | where properties.n == 3").map((r) => r.name)).toEqual(["app1"]);
    expect(run("Resources | where name startswith 'APP' | where name contains '2'").map((r) => r.name)).toEqual(["app2"]);
  });

  it("projects dotted paths as underscore columns, supports aliases, order by and limit", () => {
    expect(run("Resources | where type =~ 'microsoft.web/sites' | project id, name, properties.outboundIpAddresses")).toEqual([
      { id: "/s/a", name: "app1", properties_outboundIpAddresses: "1.1.1.1" },
      { id: "/s/c", name: "app2", properties_outboundIpAddresses: "2.2.2.2" },
    ]);
    expect(run("Resources | project ip = properties.outboundIpAddresses | limit 1")).toEqual([{ ip: "1.1.1.1" }]);
    expect(run("Resources | order by properties.n asc | project name").map((r) => r.name)).toEqual(["St1", "app2", "app1"]);
    expect(run("Resources | sort by name | take 2 | project name").map((r) => r.name)).toEqual(["app2", "app1"]);
  });

  it("rejects what it does not implement with a positioned KqlError", () => {
    const bad = ["Resources | where", "Resources | summarize count() by type", "Resources | where name = 'x'", "Resources | where name == 'x",
      "ResourceContainers", "Resources | limit x", "Resources | project", "Resources | where id in ('a'", "Resources | where name ==", "Resources |"];
    for (const q of bad) expect(() => parseKql(q), q).toThrow(KqlError);
    try {
      parseKql("Resources | summarize count()");
    } catch (e) {
      expect((e as KqlError).token).toBe("summarize");
      expect((e as KqlError).position).toBe(12);
    }
  });

  it("never fails with anything but a KqlError on arbitrary input", () => {
    const alphabet = ["Resources", "|", "where", "project", "limit", "==", "=~", "in~", "(", ")", ",", "'a'", "\"b", "1", ".", "[", "]", "and", "or", "not", "x", "!", "~", "order", "by", " "];
    let seed = 7;
    const rand = (n: number) => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed % n; };
    for (let i = 0; i < 2000; i++) {
      const q = Array.from({ length: 1 + rand(12) }, () => alphabet[rand(alphabet.length)]).join(" ");
      try {
        runKql(parseKql(q), rows);
      } catch (e) {
        expect(e, q).toBeInstanceOf(KqlError);
      }
    }
  });
});
