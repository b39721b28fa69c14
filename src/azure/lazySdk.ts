// Azure SDK packages loaded on first use, not when linkwright's modules are imported: every function entry reaches the
// client factories, and a cold start (a new instance on a scale-out or a consumption plan) should not pay for SDKs its
// first request may never need (bench/cold-start.ts measures it). Only types are imported statically.
import { createRequire } from "node:module";

/** Node's own `require` for this ES module (tsc output, tsx, vitest): loads a package synchronously on first use. */
const nodeRequire = createRequire(import.meta.url);

/**
 * A package loaded on first use, synchronously (the factory's methods return clients, not promises).
 * `bundled` is a direct `require("<same name>")` call: in the deployed bundle (infra/package.ts) esbuild compiles it
 * into a lazy initialiser of the bundled copy, and defines `require` (so the `typeof` test picks it); an unbundled ES
 * module has no `require`, and Node's loads the package from node_modules instead.
 */
export function sdk<T>(name: string, bundled: () => T): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= typeof require === "function" ? bundled() : (nodeRequire(name) as T));
}

