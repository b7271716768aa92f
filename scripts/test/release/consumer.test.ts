// The packages as a user gets them: every public package packed, the tarballs installed with npm into a
// project outside the repository, the README examples type-checked strictly (module node16 and bundler),
// then an ES module app, a CommonJS require() and the CLI run against a loopback stand-in; and the CLI
// installed alone, as `npm install @opwatch/cli` would: a few small packages, no database client.
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { examplesOf, type ScriptedServer, startScriptedServer } from "@opwatch/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicPackages as listPublicPackages } from "../../lib/workspace-packages.mjs";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const require = createRequire(import.meta.url);
const tsc = join(dirname(require.resolve("typescript/package.json")), "bin", "tsc");
const nodeTypes = dirname(dirname(require.resolve("@types/node/package.json")));

const work = mkdtempSync(join(tmpdir(), "opwatch-consumer-"));
const tarballs = join(work, "tarballs");
const app = join(work, "app");

const publicPackages = listPublicPackages(root).map((p) => ({
  dir: p.path,
  name: p.json.name,
  version: p.json.version,
}));

const OPERATION = "/schedules/2f9a3c1e-6b2d-4d8e-9f10-7a5b4c3d2e1f/operations/bdc8fb5d-ce72-42f9-8818-bb2942927428";
let server: ScriptedServer;

beforeAll(async () => {
  mkdirSync(tarballs);
  mkdirSync(app);
  // pnpm pack turns workspace: ranges into real ones, as a publish does.
  await run(
    "pnpm",
    ["-r", ...publicPackages.flatMap((p) => ["--filter", p.name]), "pack", "--pack-destination", tarballs],
    { cwd: root },
  );
  const files = readdirSync(tarballs).filter((f) => f.endsWith(".tgz"));
  writeFileSync(
    join(app, "package.json"),
    JSON.stringify({
      name: "opwatch-consumer",
      private: true,
      type: "module",
      dependencies: Object.fromEntries(
        publicPackages.map((p) => [
          p.name,
          `file:../tarballs/${files.find((f) => f === `${p.name.replace("@", "").replace("/", "-")}-${p.version}.tgz`)}`,
        ]),
      ),
    }),
  );
  await run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd: app });

  const bentley = examplesOf("bentley", "getScheduleOperation", "200") as Record<string, unknown>;
  server = await startScriptedServer("bentley", {
    operationId: "getScheduleOperation",
    requireHeader: { authorization: "Bearer consumer-token" },
    script: [
      { status: 200, body: bentley.queued },
      { status: 200, body: bentley.succeeded },
    ],
  });
}, 180_000);

afterAll(async () => {
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

describe("consumer", () => {
  it("gets every public package with its LICENSE, README, code and types, and no tests", async () => {
    for (const p of publicPackages) {
      const installed = join(app, "node_modules", ...p.name.split("/"));
      expect(readFileSync(join(installed, "LICENSE"), "utf8"), p.name).toBe(
        readFileSync(join(root, "LICENSE"), "utf8"),
      );
      expect(existsSync(join(installed, "README.md")), p.name).toBe(true);
      expect(existsSync(join(installed, "dist", "index.js")), p.name).toBe(true);
      expect(existsSync(join(installed, "dist", "index.d.ts")), p.name).toBe(true);
      expect(existsSync(join(installed, "test")), p.name).toBe(false);
      const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
      expect(JSON.stringify(manifest.dependencies ?? {}), p.name).not.toContain("workspace:");
    }
  });

  it.each(["node16", "bundler"])("type-checks every README example strictly (module %s)", async (mode) => {
    const dir = join(app, `examples-${mode}`);
    mkdirSync(dir);
    let count = 0;
    for (const p of publicPackages) {
      const readme = readFileSync(join(p.dir, "README.md"), "utf8");
      for (const [i, match] of [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].entries()) {
        writeFileSync(join(dir, `${p.name.replace(/\W+/g, "-")}-${i + 1}.ts`), `${match[1]}\nexport {};\n`);
        count += 1;
      }
    }
    expect(count).toBeGreaterThanOrEqual(publicPackages.length);
    const options =
      mode === "node16"
        ? { module: "node16", moduleResolution: "node16" }
        : { module: "esnext", moduleResolution: "bundler" };
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          ...options,
          target: "es2022",
          strict: true,
          noUncheckedIndexedAccess: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          // node16 also checks the shipped declarations themselves under these strict settings (bundler reuses them).
          skipLibCheck: mode !== "node16",
          lib: ["es2023", "dom"],
          types: ["node"],
          typeRoots: [nodeTypes],
        },
        include: ["*.ts"],
      }),
    );
    const result = await run(process.execPath, [tsc, "-p", join(dir, "tsconfig.json")], { cwd: dir }).catch(
      (error) => error,
    );
    expect(`${result.stdout}${result.stderr}`).toBe("");
  });

  it("CommonJS TypeScript (module node16) needs import(), as the READMEs say", async () => {
    const dir = join(app, "cjs-ts");
    mkdirSync(dir);
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "commonjs" }));
    writeFileSync(
      join(dir, "dynamic.ts"),
      'export async function main() {\n  const { createWatcher } = await import("opwatch");\n  return createWatcher;\n}\n',
    );
    writeFileSync(
      join(dir, "static.ts"),
      'import { createWatcher } from "opwatch";\nexport const w = createWatcher;\n',
    );
    const check = (file: string) =>
      run(
        process.execPath,
        [
          tsc,
          "--module",
          "node16",
          "--moduleResolution",
          "node16",
          "--strict",
          "--noEmit",
          "--skipLibCheck",
          "--types",
          "node",
          "--typeRoots",
          nodeTypes,
          "--target",
          "es2022",
          "--lib",
          "es2023,dom",
          file,
        ],
        { cwd: dir },
      ).catch((error) => error);
    const [dynamic, staticImport] = await Promise.all([check("dynamic.ts"), check("static.ts")]);
    expect(`${dynamic.stdout}`).toBe("");
    expect(`${staticImport.stdout}`).toContain("TS1479");
  });

  const appCode = (imports: string) => `${imports}
const watcher = createWatcher({
  providers: [register(bentley, { token: "consumer-token", baseUrl: process.env.BASE_URL })],
  polling: { minDelayMs: 20, maxDelayMs: 50, maxWaitMs: 20_000 },
});
`;

  it("runs an ES module app against a loopback stand-in", async () => {
    writeFileSync(
      join(app, "esm.mjs"),
      `${appCode('import { createWatcher, register } from "opwatch";\nimport { bentley } from "@opwatch/bentley";')}
const final = await watcher.wait(process.env.BASE_URL + ${JSON.stringify(OPERATION)});
console.log(final.state);
`,
    );
    const { stdout, stderr } = await run(process.execPath, ["esm.mjs"], {
      cwd: app,
      env: { ...process.env, BASE_URL: server.url },
    });
    expect(stderr).toBe("");
    expect(stdout.trim()).toBe("succeeded");
  });

  it("runs a CommonJS require() of the ESM packages (Node >= 20.19) against the stand-in", async () => {
    writeFileSync(
      join(app, "cjs.cjs"),
      `${appCode('const { createWatcher, register } = require("opwatch");\nconst { bentley } = require("@opwatch/bentley");')}
watcher.wait(process.env.BASE_URL + ${JSON.stringify(OPERATION)}).then((final) => console.log(final.state));
`,
    );
    const { stdout, stderr } = await run(process.execPath, ["cjs.cjs"], {
      cwd: app,
      env: { ...process.env, BASE_URL: server.url },
    });
    expect(stderr).toBe("");
    expect(stdout.trim()).toBe("succeeded");
  });

  it("runs the installed CLI's `opwatch wait <url>` against the stand-in", async () => {
    const { stdout } = await run(
      join(app, "node_modules", ".bin", "opwatch"),
      ["wait", `${server.url}${OPERATION}`, "--min-delay", "20ms", "--max-delay", "50ms"],
      { cwd: app, env: { ...process.env, BENTLEY_TOKEN: "consumer-token", BENTLEY_BASE_URL: server.url } },
    );
    expect(stdout).toMatch(/succeeded/);
    expect(stdout).not.toContain("consumer-token");
  });
});

describe("the CLI installed alone", () => {
  const alone = join(work, "cli-alone");
  const tarball = (name: string) => {
    const p = publicPackages.find((candidate) => candidate.name === name);
    return `file:../tarballs/${name.replace("@", "").replace("/", "-")}-${p?.version}.tgz`;
  };
  /** What npm put in node_modules: its hidden lockfile names every package it installed. */
  const installed = () =>
    Object.keys(JSON.parse(readFileSync(join(alone, "node_modules", ".package-lock.json"), "utf8")).packages)
      .filter((path) => path.startsWith("node_modules/"))
      .map((path) => path.slice(path.lastIndexOf("node_modules/") + "node_modules/".length));
  const opwatch = (args: string[], env: Record<string, string> = {}) =>
    run(join(alone, "node_modules", ".bin", "opwatch"), args, { cwd: alone, env: { ...process.env, ...env } }).catch(
      (error) => error as { code: number; stdout: string; stderr: string },
    );

  beforeAll(async () => {
    mkdirSync(alone);
    // Only @opwatch/cli is asked for; the workspace packages it depends on come from their tarballs (they are
    // not on a registry), everything else from the registry, as for a user.
    writeFileSync(
      join(alone, "package.json"),
      JSON.stringify({
        name: "opwatch-cli-alone",
        private: true,
        dependencies: { "@opwatch/cli": tarball("@opwatch/cli") },
        overrides: Object.fromEntries(
          publicPackages.filter((p) => p.name !== "@opwatch/cli").map((p) => [p.name, tarball(p.name)]),
        ),
      }),
    );
    await run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd: alone });
  }, 180_000);

  it("is at most 20 packages, with no Postgres client, job queue or @opwatch/durable", () => {
    const names = installed();
    expect(names).toContain("@opwatch/cli");
    expect(names).toContain("opwatch");
    expect(names.length, names.join(" ")).toBeLessThanOrEqual(20);
    expect(names.filter((name) => /^(pg|pg-.*|postgres-.*|pg-boss|@types\/pg|@opwatch\/durable)$/.test(name))).toEqual(
      [],
    );
  });

  it("prints its help for `opwatch` alone, exit 0", async () => {
    const result = await opwatch([]);
    expect(result.code ?? 0).toBe(0);
    expect(result.stdout).toMatch(/^Usage: opwatch \[options\] \[command\]/);
    expect(result.stdout).toContain("Exit codes");
  });

  it("waits on an operation", async () => {
    const { stdout } = await opwatch(
      ["wait", `${server.url}${OPERATION}`, "--min-delay", "20ms", "--max-delay", "50ms"],
      { BENTLEY_TOKEN: "consumer-token", BENTLEY_BASE_URL: server.url },
    );
    expect(stdout).toMatch(/succeeded/);
  });

  it("says how to add @opwatch/durable for a durable command, then runs it once it is installed", async () => {
    const env = { DATABASE_URL: "postgres://opwatch@127.0.0.1:1/opwatch" };
    const missing = await opwatch(["outcomes"], env);
    expect(missing.code).toBe(64);
    expect(missing.stderr.split("\n")[0]).toBe(
      "opwatch: outcomes needs @opwatch/durable, which is not installed; add it beside @opwatch/cli: npm install @opwatch/durable (for a global CLI: npm install -g @opwatch/durable)",
    );
    await run(
      "npm",
      ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", tarball("@opwatch/durable")],
      { cwd: alone },
    );
    // Loaded now: the command reaches for the database (nothing listens on port 1) and says it could not.
    const added = await opwatch(["outcomes"], env);
    expect(added.code).toBe(3);
    expect(added.stderr).not.toContain("needs @opwatch/durable");
    expect(added.stderr).toMatch(/^opwatch: could not open the database of DATABASE_URL \(connect ECONNREFUSED /);
  });
});
