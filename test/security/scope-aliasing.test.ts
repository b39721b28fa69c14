// Review findings (session 4): two scopes ARM tells apart must never share linkwright's records or permission cache.
// JavaScript's full Unicode toLowerCase folds the Kelvin sign (U+212A) to "k", the Angstrom sign (U+212B) to "å" and
// the Ohm sign (U+2126) to "ω", so a resource group named "\u212Aitchen" keyed the same table rows as "kitchen":
// its owner could list, read and overwrite the other group's connectors. And a connector scope whose resource group is
// ".." (which a URL client resolves to the subscription) or ends in "." is no resource group ARM can have.
import { describe, expect, it } from "vitest";
import { matchRoute } from "../../src/api/router.js";
import { ApiError } from "../../src/api/wire/errors.js";
import { foldCase } from "../../src/azure/resourceId.js";
import { encodeKey } from "../../src/store/keys.js";

const SUB = "00000000-0000-0000-0000-00000000aaaa";
const scope = (rg: string) => `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.ServiceLinker/locations/eastus`;

describe("scopes ARM tells apart stay apart", () => {
  it("table keys fold ASCII case only: the Kelvin, Angstrom and Ohm signs keep their own keys", () => {
    expect(encodeKey(scope("Kitchen"))).toBe(encodeKey(scope("kitchen")));
    for (const [sign, ascii] of [["\u212Aitchen", "kitchen"], ["\u212Bngstrom", "\u00e5ngstrom"], ["\u2126hm", "\u03c9hm"]] as const) {
      expect(encodeKey(scope(sign))).not.toBe(encodeKey(scope(ascii)));
    }
  });

  it("one case folding for every comparison of resource ids (ASCII only, as ARM's ordinal ignore-case does for them)", () => {
    expect(foldCase("/subscriptions/S/resourceGroups/RG")).toBe("/subscriptions/s/resourcegroups/rg");
    expect(foldCase("\u212Aitchen")).toBe("\u212Aitchen");
  });

  it("a connector route whose resource group is not a resource group name is refused before anything is read", () => {
    for (const rg of ["..", ".", "kitchen.", "a".repeat(91), "bad name"]) {
      const path = `/subscriptions/${SUB}/resourcegroups/${rg}/providers/Microsoft.ServiceLinker/locations/eastus/connectors/c1`;
      expect(() => matchRoute(path), rg).toThrow(ApiError);
    }
    expect(matchRoute(`/subscriptions/${SUB}/resourcegroups/rg-(1)_a.b/providers/Microsoft.ServiceLinker/locations/eastus/connectors/c1`).resourceType).toBe("locations/connectors");
  });
});
