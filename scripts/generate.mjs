#!/usr/bin/env node
// @ts-check
// Turns every specs/<provider>.yaml into packages/providers/<provider>/ (@opwatch/<provider>).
//   pnpm generate          write the packages
//   pnpm generate --check  write nothing; exit 1 listing every file that differs from what the specs produce
//   --check-in-ci          --check when the CI environment variable is set, else write (turbo's pipeline
//                          uses it: local builds regenerate, CI fails on generated files that drifted)
//   --root DIR             work on another checkout (the generator's own tests use a copy)
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderCliPackageJson, renderCliRegistry } from "./generator/render-cli.mjs";
import { renderPackage } from "./generator/render-package.mjs";
import { loadSpec, SpecError } from "./generator/spec.mjs";
import { providerDir } from "./lib/workspace-packages.mjs";

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

// A provider package left at the old place (packages/<name>) would be a second workspace package of the same name.
const misplaced = specFiles
  .map((file) => file.slice(0, -".yaml".length))
  .filter((name) => existsSync(join(root, "packages", name, "package.json")));
if (misplaced.length > 0) {
  for (const name of misplaced) {
    console.error(`generate: packages/${name}/ holds a provider package; it belongs in ${providerDir(name)}/`);
  }
  console.error("Move it with `git mv` (history follows), then run `pnpm install`.");
  process.exit(1);
}

/** @type {string[]} */
const drifted = [];
let written = 0;
/** @type {string[]} */
const names = [];
/** @type {string[]} */
const refused = [];
for (const file of specFiles) {
  /** @type {Record<string, string>} */
  let files;
  /** @type {import("./generator/spec.mjs").LoadedSpec} */
  let spec;
  try {
    spec = await loadSpec(join(root, "specs", file));
    files = await renderPackage(
      spec,
      await readExisting(join(root, ...providerDir(spec.name).split("/"), "package.json")),
      providerDir(spec.name),
    );
  } catch (error) {
    // Any input ends in a message naming the file and what to do, never a stack trace.
    refused.push(
      error instanceof SpecError
        ? `specs/${file}${error.pointer}: ${error.problem}`
        : `specs/${file}: cannot be generated: ${String(error instanceof Error ? error.message : error).split("\n")[0]}. Run \`pnpm lint:specs specs/${file}\` for what to fix.`,
    );
    continue;
  }
  names.push(spec.name);
  const packageDir = join(root, ...providerDir(spec.name).split("/"));
  for (const [path, content] of Object.entries(files)) await emit(join(packageDir, path), content);
  if (check) drifted.push(...(await strayGeneratedFiles(packageDir, Object.keys(files))));
}
if (refused.length > 0) {
  for (const line of refused) console.error(`generate: ${line}`);
  console.error(`generate: ${refused.length} spec(s) refused; nothing written for them.`);
  process.exit(1);
}

// The CLI reaches every provider: its registry and its dependencies come from the same specs.
const cliDir = join(root, "packages", "cli");
if (existsSync(join(cliDir, "package.json"))) {
  const registry = join(cliDir, "src", "generated", "providers.ts");
  const previous = existsSync(registry)
    ? [...(await readFile(registry, "utf8")).matchAll(/from "@opwatch\/([a-z0-9-]+)"/g)].map((m) => m[1] ?? "")
    : [];
  await emit(registry, renderCliRegistry(names));
  const cliPackage = join(cliDir, "package.json");
  const updated = renderCliPackageJson(await readFile(cliPackage, "utf8"), names, previous);
  if (updated !== undefined) await emit(cliPackage, updated);
}

/** Writes one generated file, or records it as drifted under --check. @param {string} target @param {string} content */
async function emit(target, content) {
  const current = existsSync(target) ? await readFile(target, "utf8") : undefined;
  if (current === content) return;
  if (check) {
    drifted.push(relative(root, target));
    return;
  }
  await mkdir(dirname(target), { recursive: true });
  await writeFile(target, content);
  written += 1;
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
