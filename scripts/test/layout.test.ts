// The repository's layout shows the flow: specs/<name>.yaml → packages/providers/<name> (generated) →
// packages/opwatch (the facade) → packages/cli. These checks keep the tools that find packages by path
// (workspace, turbo, Biome, tsconfig, release metadata, the root README) in step with where packages sit.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { PROVIDERS_DIR, providerDir, workspacePackages } from "../lib/workspace-packages.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const specs = readdirSync(join(root, "specs"))
  .filter((file) => file.endsWith(".yaml"))
  .map((file) => file.slice(0, -".yaml".length))
  .sort();
const packages = workspacePackages(root);
const json = (path: string) => JSON.parse(readFileSync(join(root, path), "utf8"));

describe("the layout", () => {
  it("has one package per spec in packages/providers/<name>, and no provider directly under packages/", () => {
    expect(PROVIDERS_DIR).toBe("packages/providers");
    expect(specs.length).toBeGreaterThan(0);
    const inProviders = packages.filter((p) => p.dir.startsWith(`${PROVIDERS_DIR}/`));
    expect(inProviders.map((p) => p.dir)).toEqual(specs.map(providerDir));
    expect(inProviders.map((p) => p.json.name)).toEqual(specs.map((name) => `@opwatch/${name}`));
    for (const name of specs) expect(existsSync(join(root, "packages", name)), `packages/${name}`).toBe(false);
    // Everything else sits directly under packages/.
    for (const p of packages.filter((p) => !inProviders.includes(p))) expect(p.dir).toMatch(/^packages\/[a-z-]+$/);
  });

  it("is the workspace pnpm installs", () => {
    const workspace = parse(readFileSync(join(root, "pnpm-workspace.yaml"), "utf8"));
    expect(workspace.packages).toEqual(["packages/*", `${PROVIDERS_DIR}/*`]);
    const lock = parse(readFileSync(join(root, "pnpm-lock.yaml"), "utf8"));
    expect(Object.keys(lock.importers).sort()).toEqual([".", ...packages.map((p) => p.dir)].sort());
  });

  it("gives every package's tsconfig a base that exists, however deep the package sits", () => {
    for (const p of packages) {
      for (const file of ["tsconfig.json", "tsconfig.build.json"]) {
        if (!existsSync(join(p.path, file))) continue;
        const extended = json(`${p.dir}/${file}`).extends;
        expect(resolve(p.path, extended), `${p.dir}/${file}`).toBe(join(root, "tsconfig.base.json"));
      }
    }
  });

  it("gives every package's release metadata its real folder", () => {
    for (const p of packages.filter((p) => !p.json.private)) {
      expect(p.json.repository?.directory, p.json.name).toBe(p.dir);
      expect(p.json.homepage, p.json.name).toBe(`https://github.com/opwatch/opwatch/tree/main/${p.dir}#readme`);
    }
  });

  it("has turbo inputs and Biome excludes that name packages/providers/* wherever they name packages/*", () => {
    const lists = [
      ...Object.values(json("turbo.json").tasks as Record<string, { inputs?: string[] }>).map((t) => t.inputs ?? []),
      json("biome.json").files.includes as string[],
    ];
    let checked = 0;
    for (const globs of lists) {
      for (const glob of globs.filter((glob) => /^!?packages\/\*\//.test(glob))) {
        expect(globs, glob).toContain(glob.replace("packages/*/", `${PROVIDERS_DIR}/*/`));
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe("the root README", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");

  it("draws the flow specs → packages/providers → packages/opwatch → packages/cli in its layout section", () => {
    const section = readme.slice(readme.indexOf("## Layout"), readme.indexOf("\n## ", readme.indexOf("## Layout") + 1));
    const block = section.match(/```\n([\s\S]*?)```/)?.[1] ?? "";
    const starts = block.split("\n").map((line) => line.split(/\s+/)[0] ?? "");
    const flow = ["specs/<provider>.yaml", `${PROVIDERS_DIR}/<provider>/`, "packages/opwatch/", "packages/cli/"];
    const at = flow.map((entry) => starts.indexOf(entry));
    expect(at, "every step of the flow is listed").not.toContain(-1);
    expect(
      [...at].sort((a, b) => a - b),
      "in this order",
    ).toEqual(at);
    // Every other path the layout names exists, and every package is in it.
    for (const entry of starts.filter((s) => /^[.a-z][^<]*$/.test(s) && /[./]/.test(s))) {
      expect(existsSync(join(root, entry)), entry).toBe(true);
    }
    for (const p of packages.filter((p) => !p.dir.startsWith(`${PROVIDERS_DIR}/`)))
      expect(starts).toContain(`${p.dir}/`);
  });

  it("links only to files that exist (providers in packages/providers), and tells a new provider's folder", () => {
    const links = [...readme.matchAll(/\]\(([^)\s#]+)[^)]*\)/g)].map((m) => m[1] ?? "");
    const local = links.filter((link) => !/^[a-z]+:/.test(link));
    expect(local.filter((link) => link.startsWith(`${PROVIDERS_DIR}/`)).length).toBeGreaterThan(0);
    for (const link of local) expect(existsSync(join(root, link)), link).toBe(true);
    expect(readme).toContain(`\`pnpm generate\`: creates \`${PROVIDERS_DIR}/<name>/\``);
  });
});
