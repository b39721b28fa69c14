// Where a command prints and how it asks: the process's streams and a readline prompt on a terminal, or whatever a
// test passes in.
import { createInterface } from "node:readline/promises";
import type { Print } from "./report.js";

export interface CliIo {
  out: Print;
  err: Print;
  env: NodeJS.ProcessEnv;
  /** Whether the user can be asked (stdin and stdout are terminals). */
  interactive: boolean;
  /** Asks one question on the terminal; only called when `interactive`. */
  ask(question: string): Promise<string>;
}

export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    interactive: !!process.stdin.isTTY && !!process.stdout.isTTY,
    async ask(question) {
      const rl = createInterface({ input: process.stdin, output: process.stdout });
      try {
        return (await rl.question(question)).trim();
      } finally {
        rl.close();
      }
    },
  };
}

/** A usage error: printed with a pointer to --help, exit code 2. */
export class UsageError extends Error {}
