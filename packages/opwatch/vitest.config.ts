import { defineConfig } from "vitest/config";

// Type tests (`*.test-d.ts`) run with the others: `expectTypeOf` and `@ts-expect-error` checked by tsc.
export default defineConfig({
  test: { typecheck: { enabled: true, include: ["test/**/*.test-d.ts"], tsconfig: "./tsconfig.json" } },
});
