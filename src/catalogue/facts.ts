// Reads a target's facts from ARM GET bodies and secret-operation responses, per its declarative paths.
import { REGISTRY } from "./registry.js";
import type { FactPath, SecretSource, TargetFacts, TargetKind } from "./types.js";

/** Reads `a.b[0].c` / `a["key with spaces"]` from a JSON value; undefined when any step is missing. */
export function readPath(body: unknown, path: string): unknown {
  const steps: (string | number)[] = [];
  const re = /([^.[\]]+)|\[(\d+)\]|\["([^"]+)"\]|\['([^']+)'\]/g;
  for (let m = re.exec(path); m; m = re.exec(path)) {
    if (m[1] !== undefined) steps.push(m[1]);
    else if (m[2] !== undefined) steps.push(Number(m[2]));
    else steps.push((m[3] ?? m[4])!);
  }
  let cur: unknown = body;
  for (const s of steps) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[s];
  }
  return cur;
}

function apply(paths: FactPath[] | undefined, body: unknown): TargetFacts {
  const out: TargetFacts = {};
  for (const p of paths ?? []) {
    const v = readPath(body, p.path);
    if (v === undefined || v === null || v === "") continue;
    let s = String(v);
    if (p.transform === "host") s = /^[a-z]+:\/\//i.test(s) ? new URL(s).hostname : s.replace(/[:/].*$/, "");
    out[p.fact] = s;
  }
  return out;
}

/** Facts from the GET of the top-level resource (`resolveTarget(...).resourceId`). */
export function factsFromResource(kind: TargetKind, body: unknown): TargetFacts {
  return apply(REGISTRY.get(kind)?.resourceFacts, body);
}

/** Facts from the GET of the target id itself (only some targets need it, e.g. Redis Enterprise database port). */
export function factsFromTargetResource(kind: TargetKind, body: unknown): TargetFacts {
  return apply(REGISTRY.get(kind)?.targetFacts, body);
}

/** Facts from the response of the target's secret operation (listKeys, authorization rule keys, …). */
export function factsFromSecretResponse(source: SecretSource, body: unknown): TargetFacts {
  if (source.kind === "none" || source.kind === "userProvided") return {};
  return apply(source.pick.map((p) => ({ fact: p.fact, path: p.path })), body);
}
