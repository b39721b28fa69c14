import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    pool: "forks",
    // Most files wait on sockets (emulators, Azurite, durable polling), not on the CPU: three forks on two cores
    // finish the suite ~2.5x sooner than vitest's default (cores - 1).
    maxWorkers: 3,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    reporters: ["default"],
  },
});
