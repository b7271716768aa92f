// @ts-check
// Are the types wrong? (@arethetypeswrong, "attw") on every public package as it is published: each packed
// with pnpm pack (workspace: ranges rewritten, as a publish does), then checked in this one process (TypeScript
// loaded once, not once per package). Profile esm-only, as `attw --profile esm-only`: the packages are ESM-only,
// so resolutions from CommonJS (node16-cjs) and the legacy node10 resolution are not held against them (Node
// >= 20.19 can require() them; `pnpm exec attw --pack <dir>` shows the full table). Exits 1 on any problem.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { checkPackage, createPackageFromTarballData } from "@arethetypeswrong/core";
import { publicPackages } from "./lib/workspace-packages.mjs";

/** What `attw --profile esm-only` ignores. */
export const IGNORED_RESOLUTIONS = ["node10", "node16-cjs"];

/**
 * The problems attw finds in one package under the esm-only profile, one line each (none: typed right).
 * @param {import("@arethetypeswrong/core").Package} pkg
 * @returns {Promise<{ entrypoints: string[], problems: string[] }>}
 */
export async function typeProblems(pkg) {
  const analysis = await checkPackage(pkg);
  // Stricter than attw, which lets an untyped package pass: every public package here ships its types.
  if (!analysis.types) return { entrypoints: [], problems: ["no types found"] };
  const problems = analysis.problems
    .filter((problem) => !("resolutionKind" in problem && IGNORED_RESOLUTIONS.includes(problem.resolutionKind)))
    .map((problem) => {
      const where = "entrypoint" in problem ? ` ${problem.entrypoint}` : "";
      const how = "resolutionKind" in problem ? ` (${problem.resolutionKind})` : "";
      return `${problem.kind}${where}${how}: ${JSON.stringify(problem)}`;
    });
  return { entrypoints: Object.keys(analysis.entrypoints), problems };
}

async function main() {
  const root = join(dirname(fileURLToPath(import.meta.url)), "..");
  const packages = publicPackages(root);
  const tarballs = mkdtempSync(join(tmpdir(), "opwatch-attw-"));
  let failed = 0;
  try {
    const filters = packages.flatMap((p) => ["--filter", p.json.name]);
    execFileSync("pnpm", ["-r", ...filters, "pack", "--pack-destination", tarballs], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
    });
    const files = readdirSync(tarballs);
    for (const p of packages) {
      const file = `${p.json.name.replace("@", "").replace("/", "-")}-${p.json.version}.tgz`;
      if (!files.includes(file)) throw new Error(`pnpm pack wrote no ${file}`);
      const pkg = createPackageFromTarballData(new Uint8Array(readFileSync(join(tarballs, file))));
      const { entrypoints, problems } = await typeProblems(pkg);
      if (problems.length === 0) {
        console.log(`attw: ${p.json.name}: ${entrypoints.join(", ")} typed right (esm-only)`);
        continue;
      }
      failed += 1;
      for (const problem of problems) console.error(`attw: ${p.json.name}: ${problem}`);
    }
  } finally {
    rmSync(tarballs, { recursive: true, force: true });
  }
  if (failed > 0) {
    console.error(
      `attw: ${failed} package(s) with problems (https://github.com/arethetypeswrong/arethetypeswrong.github.io)`,
    );
    process.exit(1);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
