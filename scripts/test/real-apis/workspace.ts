// A temporary copy of the repository's layout holding only the real APIs' specs, taken through the README's
// provider-author steps: `pnpm lint:specs`, `pnpm generate`, `pnpm install` (the workspace's packages
// linked, nothing downloaded), `pnpm build` (each generated package and the CLI), and each generated
// package's own tests (its contract tests against Prism).
import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, realpathSync, symlinkSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { providerDir } from "../../lib/workspace-packages.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const require = createRequire(import.meta.url);

export interface Step {
  name: string;
  code: number | null;
  output: string;
  ms: number;
}

/** Runs a node script; resolves with its exit code, output and time. */
export function run(name: string, args: string[], env: NodeJS.ProcessEnv = cleanEnv()): Promise<Step> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    child.on("close", (code) => resolve({ name, code, output, ms: Date.now() - started }));
  });
}

/** The environment without this vitest run's own variables (a nested vitest starts afresh), without colour. */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith("VITEST") && key !== "FORCE_COLOR"),
  );
  return { ...env, CI: "", NODE_ENV: "", NO_COLOR: "1", ...extra };
}

function link(target: string, at: string) {
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(target, at, "dir");
}

export interface AuthorWorkspace {
  dir: string;
  /** A generated package's folder (or a file in it). */
  providerPackage(name: string, ...path: string[]): string;
  cliBin: string;
  /** Every step run, in order; a failed one ends the run. */
  steps: Step[];
}

/** Fails the calling test unless every author step ran, in order, and passed (a failed step's output is the message). */
export function expectEveryStepPassed(workspace: AuthorWorkspace): void {
  const failed = workspace.steps.find((step) => step.code !== 0);
  expect(failed?.output ?? "", failed?.name).toBe("");
  expect(workspace.steps.map((step) => step.name)).toEqual([
    "lint:specs",
    "generate",
    "install (workspace links)",
    "build",
    "generated packages' tests",
  ]);
}

/**
 * Lays out `specs/` with the given spec files and runs every author step; stops at the first failing step
 * (its output is in `steps`).
 */
export async function authorSteps(specFiles: string[]): Promise<AuthorWorkspace> {
  const dir = mkdtempSync(join(tmpdir(), "opwatch-real-apis-"));
  const names = specFiles.map((file) => (file.split("/").pop() ?? file).replace(/\.yaml$/, ""));
  const providerPackage = (name: string, ...path: string[]) => join(dir, ...providerDir(name).split("/"), ...path);
  const workspace: AuthorWorkspace = {
    dir,
    providerPackage,
    cliBin: join(dir, "packages", "cli", "dist", "bin.js"),
    steps: [],
  };
  const step = async (done: Step | Step[]) => {
    const all = Array.isArray(done) ? done : [done];
    workspace.steps.push(...all);
    return all.every((s) => s.code === 0);
  };

  mkdirSync(join(dir, "specs"));
  for (const file of specFiles) cpSync(file, join(dir, "specs", file.split("/").pop() ?? file));
  cpSync(join(root, "tsconfig.base.json"), join(dir, "tsconfig.base.json"));
  for (const part of ["src", "package.json", "tsconfig.json", "tsconfig.build.json"]) {
    cpSync(join(root, "packages", "cli", part), join(dir, "packages", "cli", part), { recursive: true });
  }
  const specs = names.map((name) => join(dir, "specs", `${name}.yaml`));
  if (!(await step(await run("lint:specs", [join(root, "scripts", "lint-specs.mjs"), ...specs])))) return workspace;
  if (!(await step(await run("generate", [join(root, "scripts", "generate.mjs"), "--root", dir])))) return workspace;

  // `pnpm install`: what the workspace links for a generated package (core, openapi-fetch, testkit) and for
  // the CLI (its own dependencies plus the generated packages).
  const started = Date.now();
  const openapiFetch = realpathSync(join(root, "packages", "core", "node_modules", "openapi-fetch"));
  for (const name of names) {
    const modules = providerPackage(name, "node_modules");
    link(join(root, "packages", "core"), join(modules, "@opwatch", "core"));
    link(join(root, "packages", "testkit"), join(modules, "@opwatch", "testkit"));
    link(openapiFetch, join(modules, "openapi-fetch"));
  }
  const cliModules = join(root, "packages", "cli", "node_modules");
  const linked = new Set(names.map((name) => `@opwatch/${name}`));
  for (const entry of readdirSync(cliModules)) {
    if (entry === ".bin") continue;
    const scoped = entry.startsWith("@") ? readdirSync(join(cliModules, entry)).map((s) => `${entry}/${s}`) : [entry];
    for (const name of scoped) {
      if (linked.has(name)) continue;
      link(realpathSync(join(cliModules, name)), join(dir, "packages", "cli", "node_modules", name));
    }
  }
  for (const name of names) link(providerPackage(name), join(dir, "packages", "cli", "node_modules", "@opwatch", name));
  for (const shared of ["@types", "vitest"])
    link(join(root, "node_modules", shared), join(dir, "node_modules", shared));
  workspace.steps.push({ name: "install (workspace links)", code: 0, output: "", ms: Date.now() - started });

  // `pnpm build`: each package's `tsc -p tsconfig.build.json`, here in one `tsc -b` over the same configs
  // (one process, the standard library read once); the CLI last, as it imports every generated package.
  const tsc = require.resolve("typescript/bin/tsc");
  const configs = [
    ...names.map((name) => providerPackage(name, "tsconfig.build.json")),
    join(dir, "packages", "cli", "tsconfig.build.json"),
  ];
  if (!(await step(await run("build", [tsc, "-b", ...configs])))) return workspace;

  // Each generated package's tests (`vitest run` in its folder), in one vitest run over the packages.
  const vitest = join(dirname(require.resolve("vitest/package.json")), "vitest.mjs");
  await step(
    await run("generated packages' tests", [
      vitest,
      "run",
      "--root",
      dir,
      "--dir",
      join(dir, "packages", "providers"),
      "--testTimeout=30000",
      "--hookTimeout=60000",
    ]),
  );
  return workspace;
}
