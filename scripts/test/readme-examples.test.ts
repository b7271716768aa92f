// Every ```ts block in a package README must type-check against the built packages, so that the
// documented examples keep working as the APIs move.
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { workspacePackages } from "../lib/workspace-packages.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
// Inside the repository, so that the examples resolve "opwatch" and "@opwatch/*" as an app would.
const work = join(root, "node_modules", ".readme-examples");
afterAll(() => rmSync(work, { recursive: true, force: true }));

function examples(): { name: string; code: string }[] {
  const found: { name: string; code: string }[] = [];
  for (const { dir } of workspacePackages(root)) {
    let readme: string;
    try {
      readme = readFileSync(join(root, dir, "README.md"), "utf8");
    } catch {
      continue;
    }
    const pkg = basename(dir);
    [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].forEach((match, i) => {
      found.push({ name: `${pkg}-${i + 1}`, code: match[1] ?? "" });
    });
  }
  return found;
}

describe("README examples", { timeout: 120_000 }, () => {
  it("type-check against the built packages", () => {
    const blocks = examples();
    expect(blocks.length).toBeGreaterThanOrEqual(9);
    rmSync(work, { recursive: true, force: true });
    mkdirSync(work, { recursive: true });
    for (const block of blocks) {
      // Each example is its own module; `export {}` keeps one without imports a module too.
      writeFileSync(join(work, `${block.name}.ts`), `${block.code}\nexport {};\n`);
    }
    writeFileSync(
      join(work, "tsconfig.json"),
      JSON.stringify({
        extends: "../../tsconfig.base.json",
        compilerOptions: { noEmit: true, types: ["node"], declaration: false, declarationMap: false, sourceMap: false },
        include: ["*.ts"],
      }),
    );
    const tsc = join(dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
    const result = spawnSync(process.execPath, [tsc, "-p", join(work, "tsconfig.json")], { encoding: "utf8" });
    expect(result.stdout + result.stderr).toBe("");
    expect(result.status).toBe(0);
  });
});
