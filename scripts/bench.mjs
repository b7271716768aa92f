#!/usr/bin/env node
// @ts-check
// `pnpm bench`: the size and speed targets, measured (never asserted by timed unit tests).
//  1. bundle size of an app that uses the facade with one provider (minified, gzip), against a budget;
//  2. the cost of one poll in-process (client + error/304 handling + normalization, fetch injected);
//  3. the generator's time for every spec.
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { bentley } from "@opwatch/bentley";
import { examplesOf } from "@opwatch/testkit";
import { build } from "esbuild";
import { createWatcher, provider } from "opwatch";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const BUDGET = { minified: 40_000, gzip: 12_000, pollMicros: 500 };
const failures = [];

console.log("bundle: an app using the facade with one provider (esbuild, browser, minified)");
for (const name of ["sourcecraft", "keycard", "bentley", "ecl"]) {
  const result = await build({
    stdin: {
      contents: `import { createWatcher, provider } from "opwatch"; import { ${name} } from "@opwatch/${name}";
        export const w = createWatcher({ providers: [provider(${name}, { token: "t", baseUrl: "https://x.test" })] });`,
      resolveDir: join(root, "packages", "opwatch"),
    },
    bundle: true,
    format: "esm",
    platform: "browser",
    minify: true,
    write: false,
  });
  const code = result.outputFiles[0]?.text ?? "";
  const gzip = gzipSync(code).length;
  console.log(`  ${name.padEnd(12)} ${String(code.length).padStart(6)} B  gzip ${String(gzip).padStart(5)} B`);
  if (code.length > BUDGET.minified || gzip > BUDGET.gzip) failures.push(`${name} bundle over budget`);
}

console.log("\npoll cost: watcher.get() with an in-memory fetch (Bentley body, ETag, normalization)");
const body = JSON.stringify(examplesOf("bentley", "getScheduleOperation", "200").started);
const watcher = createWatcher({
  providers: [
    provider(bentley, {
      token: "bench-token",
      fetch: async () =>
        new Response(body, { status: 200, headers: { "content-type": "application/json", etag: '"v1"' } }),
    }),
  ],
});
const ref = watcher.ref(
  "https://api.bentley.com/schedules/2f9a3c1e-6b2d-4d8e-9f10-7a5b4c3d2e1f/operations/bdc8fb5d-ce72-42f9-8818-bb2942927428",
);
for (let i = 0; i < 500; i++) await watcher.get(ref); // warm-up
const rounds = 5_000;
const start = process.hrtime.bigint();
for (let i = 0; i < rounds; i++) await watcher.get(ref);
const micros = Number(process.hrtime.bigint() - start) / 1000 / rounds;
console.log(`  ${micros.toFixed(1)} µs per poll over ${rounds} polls (budget ${BUDGET.pollMicros} µs)`);
if (micros > BUDGET.pollMicros) failures.push("poll cost over budget");

console.log("\ngenerator: every spec → packages (check mode, nothing written)");
const genStart = process.hrtime.bigint();
const gen = spawnSync(process.execPath, [join(root, "scripts", "generate.mjs"), "--check"], { encoding: "utf8" });
console.log(`  ${(Number(process.hrtime.bigint() - genStart) / 1e6).toFixed(0)} ms (exit ${gen.status})`);

if (failures.length) {
  console.error(`\nbench: ${failures.join("; ")}`);
  process.exit(1);
}
console.log("\nbench: every figure within its budget.");
