// Every ```ts block in a package README and in the guides (docs/guides) must type-check against the built
// packages, so that the documented examples keep working as the APIs move; and the fields the READMEs list
// (the facade's error fields, OperationStatus, the poll options) must be the fields the types have.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
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
  const guides = join(root, "docs", "guides");
  for (const file of existsSync(guides) ? readdirSync(guides).filter((f) => f.endsWith(".md")) : []) {
    const text = readFileSync(join(guides, file), "utf8");
    [...text.matchAll(/```ts\n([\s\S]*?)```/g)].forEach((match, i) => {
      found.push({ name: `guide-${file.slice(0, -3)}-${i + 1}`, code: match[1] ?? "" });
    });
  }
  return found;
}

/** The names in backticks of `text`, a README's list or table column (`toJSON()` → `toJSON`). */
const backticked = (text: string): string[] => [...text.matchAll(/`(\w+)(?:\(\))?`/g)].map((m) => m[1] ?? "");

/** The first column of the markdown table after `heading`: each body row's backticked names. */
function tableColumn(readme: string, heading: string): string[] {
  const start = readme.indexOf(heading);
  if (start < 0) throw new Error(`no ${heading}`);
  const lines = readme.slice(start).split("\n");
  const first = lines.findIndex((line) => line.startsWith("|"));
  const end = lines.findIndex((line, i) => i > first && !line.startsWith("|"));
  return lines.slice(first + 2, end).flatMap((row) => backticked(row.split(" | ")[0] ?? ""));
}

/** A module that reads every field a README names off a value of the type it documents: tsc fails on a wrong one. */
function fieldChecks(): { name: string; code: string; count: number } {
  const facade = readFileSync(join(root, "packages", "opwatch", "README.md"), "utf8");
  const errors = /All errors extend `OpwatchError` \(([^)]*\)?[^)]*)\)/.exec(facade)?.[1] ?? "";
  const lists: [string, string[]][] = [
    ["OpwatchError", backticked(errors)],
    ["OperationStatus", tableColumn(facade, "### `OperationStatus`")],
    ["Required<WaitOptions>", tableColumn(facade, "### Poll options (`WaitOptions`)")],
  ];
  const lines = lists.flatMap(([type, fields], i) => [
    `declare const value${i}: ${type};`,
    ...fields.map((field) => `value${i}.${field};`),
  ]);
  return {
    name: "readme-fields",
    code: `import type { OperationStatus, OpwatchError, WaitOptions } from "opwatch";\n${lines.join("\n")}\n`,
    count: Math.min(...lists.map(([, fields]) => fields.length)),
  };
}

/**
 * A module per provider README whose Options table must name exactly the client's options: every key of core's
 * `ClientOptions` (`variables` only for a spec with server variables) and each server variable, nothing else.
 */
function optionTables(): { name: string; code: string }[] {
  return workspacePackages(root)
    .filter(({ dir }) => dir.startsWith("packages/providers/"))
    .map(({ dir }) => {
      const readme = readFileSync(join(root, dir, "README.md"), "utf8");
      const rows = readme.slice(readme.indexOf("## Options")).split("\n\n")[1]?.split("\n").slice(2) ?? [];
      const listed = rows.map((row) => /^\| `(\w+)` \| (.*) \|$/.exec(row)).filter((m) => m !== null);
      const variables = listed.filter((m) => m[2]?.startsWith("server variable")).map((m) => m[1]);
      const core = listed.filter((m) => !m[2]?.startsWith("server variable")).map((m) => m[1]);
      const keys = variables.length ? "keyof ClientOptions" : 'Exclude<keyof ClientOptions, "variables">';
      return {
        name: `options-${basename(dir)}`,
        // An object literal typed as a record of exactly those keys: tsc fails on one missing or one extra.
        code: `import type { ClientOptions } from "@opwatch/core";\nexport const listed: Record<${keys}, true> = { ${core.map((k) => `${k}: true`).join(", ")} };\n`,
      };
    });
}

describe("README examples", { timeout: 120_000 }, () => {
  it("type-check against the built packages", () => {
    const fields = fieldChecks();
    // Each list was found: a README reworded past the pattern fails here, not silently.
    expect(fields.count).toBeGreaterThanOrEqual(5);
    const options = optionTables();
    expect(options.length).toBeGreaterThanOrEqual(4);
    const blocks = [...examples(), fields, ...options];
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

  it("have as many cells in every table row as the table has headers", () => {
    const docs = [
      join(root, "README.md"),
      ...workspacePackages(root).map(({ dir }) => join(root, dir, "README.md")),
      ...readdirSync(join(root, "docs", "guides")).map((file) => join(root, "docs", "guides", file)),
    ].filter((file) => existsSync(file));
    const cells = (row: string) =>
      row
        .trim()
        .replace(/^\|/, "")
        .replace(/(?<!\\)\|$/, "")
        .split(/(?<!\\)\|/).length;
    const bad: string[] = [];
    let tables = 0;
    for (const file of docs) {
      const lines = readFileSync(file, "utf8").split("\n");
      lines.forEach((line, i) => {
        if (!/^\|\s*:?-{3,}/.test(line)) return; // a separator row: the header is above it
        tables += 1;
        const headers = cells(lines[i - 1] ?? "");
        for (let j = i + 1; lines[j]?.startsWith("|"); j += 1) {
          if (cells(lines[j] ?? "") !== headers) bad.push(`${file.slice(root.length + 1)}:${j + 1}`);
        }
      });
    }
    expect(tables).toBeGreaterThan(10);
    expect(bad).toEqual([]);
  });

  it("name only files the repository has", () => {
    const tracked = execFileSync("git", ["ls-files"], { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);
    const basenames = new Set(tracked.map((file) => basename(file)));
    const docs = [
      "README.md",
      "specs/README.md",
      ...workspacePackages(root).map(({ dir }) => join(dir, "README.md")),
      ...readdirSync(join(root, "docs", "guides")).map((file) => join("docs", "guides", file)),
    ].filter((file) => existsSync(join(root, file)));
    const missing: string[] = [];
    for (const file of docs) {
      const text = readFileSync(join(root, file), "utf8");
      // A path from the root (specs/…, scripts/…, packages/…) exists; one with a placeholder (<name>, *) is a pattern.
      for (const [, path = ""] of text.matchAll(
        /(?<![\w/.-])((?:specs|scripts|packages|docs|api|\.changeset|\.github)\/[\w./<>*-]*)/g,
      )) {
        const clean = path.replace(/\.+$/, "");
        if (!/[<*]/.test(clean) && !existsSync(join(root, clean))) missing.push(`${file}: ${clean}`);
      }
      // A file named alone (`watcher.ts`, `demo.mjs`) is a file of the repository.
      for (const [, name = ""] of text.matchAll(/(?<![\w/.<>-])([A-Za-z][\w-]*\.(?:ts|mjs|yaml))\b/g)) {
        if (!basenames.has(name)) missing.push(`${file}: ${name}`);
      }
    }
    expect(docs.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
