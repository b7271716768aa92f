#!/usr/bin/env node
// @ts-check
// Lints every spec (or the specs named as arguments): Redocly with redocly.yaml, then every example
// validated against its schema by a JSON Schema 2020-12 validator (Prism checks with an older draft;
// this catches what only 2020-12 sees). Exit 1 on any problem.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { validateExamples } from "./spec-lint/validate-examples.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const files = args.length
  ? args
  : readdirSync(join(root, "specs"))
      .filter((name) => name.endsWith(".yaml"))
      .sort()
      .map((name) => join(root, "specs", name));

const require = createRequire(import.meta.url);
const redocly = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");
const lint = spawnSync(
  process.execPath,
  [redocly, "lint", "--config", join(root, "redocly.yaml"), "--format", "stylish", ...files],
  { encoding: "utf8", env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } },
);
process.stdout.write(lint.stdout.replace(/^.*(║|╔|╚).*\n/gm, ""));
process.stderr.write(lint.stderr.replace(/^.*(║|╔|╚).*\n/gm, "").replace(/^\s*\n/gm, ""));

let problems = 0;
let checked = 0;
for (const file of files) {
  const result = await validateExamples(file);
  checked += result.checked;
  for (const problem of result.problems) {
    problems += 1;
    console.error(`${relative(process.cwd(), file)}: ${problem}`);
  }
}
if (lint.status !== 0 || problems > 0) {
  console.error(`lint:specs: failed (redocly exit ${lint.status}, ${problems} example problem(s)).`);
  process.exit(1);
}
console.log(`lint:specs: ${files.length} spec(s) clean; ${checked} examples valid under JSON Schema 2020-12.`);
