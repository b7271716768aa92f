#!/usr/bin/env node
// @ts-check
// Turns every specs/<provider>.yaml into packages/<provider>/ (@opwatch/<provider>).
//   pnpm generate          write the packages
//   pnpm generate --check  write nothing; exit 1 listing every file that differs from what the specs produce
//   --check-in-ci          --check when the CI environment variable is set, else write (turbo's pipeline
//                          uses it: local builds regenerate, CI fails on generated files that drifted)
//   --root DIR             work on another checkout (the generator's own tests use a copy)
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { renderPackage } from "./generator/render-package.mjs";
import { loadSpec } from "./generator/spec.mjs";

const args = process.argv.slice(2);
const rootIndex = args.indexOf("--root");
const root = rootIndex >= 0 ? resolve(args[rootIndex + 1] ?? ".") : join(dirname(fileURLToPath(import.meta.url)), "..");
const inCi = Boolean(process.env.CI) && process.env.CI !== "false";
const check = args.includes("--check") || (args.includes("--check-in-ci") && inCi);

const specFiles = (await readdir(join(root, "specs"))).filter((name) => name.endsWith(".yaml")).sort();
if (specFiles.length === 0) {
  console.error("generate: no specs/*.yaml found");
  process.exit(1);
}

const drifted = [];
let written = 0;
for (const file of specFiles) {
  const spec = await loadSpec(join(root, "specs", file));
  const packageDir = join(root, "packages", spec.name);
  const directory = relative(root, packageDir).split(sep).join("/");
  const files = await renderPackage(spec, await readExisting(join(packageDir, "package.json")), directory);
  for (const [path, content] of Object.entries(files)) {
    const target = join(packageDir, path);
    const current = existsSync(target) ? await readFile(target, "utf8") : undefined;
    if (current === content) continue;
    if (check) {
      drifted.push(relative(root, target));
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    written += 1;
  }
  if (check) drifted.push(...(await strayGeneratedFiles(packageDir, Object.keys(files))));
}

if (check) {
  if (drifted.length > 0) {
    console.error(
      `generate --check: ${drifted.length} generated file(s) differ from what specs/ produce:\n` +
        drifted.map((path) => `  ${path}`).join("\n") +
        "\nRun `pnpm generate` and commit the result; never edit generated files by hand.",
    );
    process.exit(1);
  }
  console.log(`generate --check: ${specFiles.length} specs, every generated file is up to date.`);
} else {
  console.log(`generate: ${specFiles.length} specs, ${written} file(s) written.`);
}

/** @param {string} path */
async function readExisting(path) {
  return existsSync(path) ? JSON.parse(await readFile(path, "utf8")) : undefined;
}

/** Files in src/generated/ that the generator no longer produces (a renamed or removed output). @param {string} packageDir @param {string[]} produced */
async function strayGeneratedFiles(packageDir, produced) {
  const dir = join(packageDir, "src", "generated");
  if (!existsSync(dir)) return [];
  const names = await readdir(dir);
  return names
    .map((name) => `src/generated/${name}`)
    .filter((path) => !produced.includes(path))
    .map((path) => relative(root, join(packageDir, path)));
}
