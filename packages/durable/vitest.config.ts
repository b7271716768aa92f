import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // One throwaway Postgres for every test file; each file works in its own schema.
    globalSetup: ["./test/support/global-setup.ts"],
  },
});
