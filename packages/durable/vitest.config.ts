import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One throwaway Postgres for every test file; each file works in its own schema.
    globalSetup: ["./test/support/global-setup.ts"],
    // Real processes and a real database on a shared 2-core machine: generous, but bounded.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
