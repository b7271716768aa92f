// `pnpm bench spec`: a made-up provider spec the size of a published one (scripts/lib/large-spec.mjs: a few
// MB of OpenAPI 3.0, 600 operations) through the author steps, each beside the tool it wraps, in one run:
// `pnpm lint:specs` vs `redocly lint` alone, `pnpm generate` vs openapi-typescript alone, and the generated
// package's `tsc` build vs type-checking openapi-typescript's output alone. The target (the three steps
// within a minute) is reported as met or missed, not a failure: the machine is shared.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { largeSpec, operationCount } from "../lib/large-spec.mjs";
import { providerDir } from "../lib/workspace-packages.mjs";
import { x } from "./stats.mjs";

/** Runs a node script; its wall time in seconds, or throws with its output (`anyExit`: a linter's findings). */
function timed(args, cwd, anyExit = false) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, CI: "", NO_COLOR: "1" },
  });
  if (run.status !== 0 && !(anyExit && run.status === 1))
    throw new Error(
      `${args.slice(0, 2).join(" ")} failed (exit ${run.status}): ${`${run.stderr}${run.stdout}`.trim().split("\n").slice(-3).join(" | ")}`.slice(
        0,
        600,
      ),
    );
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export async function specSection(root) {
  const require = createRequire(join(root, "package.json"));
  const redocly = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");
  const openapiTs = join(dirname(require.resolve("openapi-typescript/package.json")), "bin", "cli.js");
  const tsc = require.resolve("typescript/bin/tsc");
  const dir = mkdtempSync(join(tmpdir(), "opwatch-bench-spec-"));
  try {
    const document = largeSpec({ operations: 600 });
    const text = JSON.stringify(document, null, 2);
    mkdirSync(join(dir, "specs"));
    const spec = join(dir, "specs", "large.yaml");
    writeFileSync(spec, text);
    cpSync(join(root, "tsconfig.base.json"), join(dir, "tsconfig.base.json"));
    const pkg = (...path) => join(dir, ...providerDir("large").split("/"), ...path);

    const lint = timed([join(root, "scripts", "lint-specs.mjs"), spec], dir);
    const redoclyAlone = timed([redocly, "lint", "--format", "json", "--max-problems", "1", spec], dir, true);
    const generate = timed([join(root, "scripts", "generate.mjs"), "--root", dir], dir);
    const typesOut = join(dir, "alone.ts");
    const typesAlone = timed([openapiTs, spec, "--output", typesOut], dir);
    for (const [name, target] of [
      ["@opwatch/core", join(root, "packages", "core")],
      ["openapi-fetch", join(root, "packages", "core", "node_modules", "openapi-fetch")],
    ]) {
      mkdirSync(dirname(pkg("node_modules", name)), { recursive: true });
      symlinkSync(target, pkg("node_modules", name), "dir");
    }
    const build = timed([tsc, "-p", pkg("tsconfig.build.json")], dir);
    const checkAlone = timed([tsc, "--noEmit", "--strict", "--skipLibCheck", "--target", "es2022", typesOut], dir);

    console.log(
      `spec: ${(text.length / 1e6).toFixed(1)} MB, ${operationCount(document)} operations (OpenAPI 3.0 JSON), one process per step`,
    );
    console.log("  step            opwatch   the tool alone           ratio");
    for (const [step, ours, alone, tool] of [
      ["lint:specs", lint, redoclyAlone, "redocly lint"],
      ["generate", generate, typesAlone, "openapi-typescript"],
      ["build", build, checkAlone, "tsc of its types"],
    ]) {
      console.log(
        `  ${step.padEnd(14)} ${`${ours.toFixed(1)} s`.padStart(8)}   ${`${alone.toFixed(1)} s`.padStart(6)} ${tool.padEnd(18)} ${x(ours / alone).padStart(5)}`,
      );
    }
    const total = lint + generate + build;
    console.log(
      `  target: lint:specs + generate + build within 60 s: ${total.toFixed(1)} s, ${total <= 60 ? "met" : "MISSED"}\n`,
    );
    return [];
  } catch (error) {
    return [`spec: ${String(error instanceof Error ? error.message : error).split("\n")[0]}`];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
