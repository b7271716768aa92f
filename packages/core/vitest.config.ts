import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// The tests run the sources: `#transport` (package.json `imports`, which points at dist/) is the Node one.
export default defineConfig({
  resolve: { alias: { "#transport": fileURLToPath(new URL("./src/transport-node.ts", import.meta.url)) } },
});
