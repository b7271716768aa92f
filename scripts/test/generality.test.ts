// Any provider from one spec file: in a temporary copy of the repository, one scratch provider per shape
// the spec format supports is generated, built, and waited on through the facade and the CLI against a
// scripted loopback server that checks every answer against the scratch spec.
import { spawnSync } from "node:child_process";
import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { startScriptedServer } from "@opwatch/testkit";
import { createWatcher, register, ValidationError } from "opwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { providerDir } from "../lib/workspace-packages.mjs";
import { checkConventions } from "../spec-lint/check-conventions.mjs";
import { SHAPES, type Shape, specText, TOKEN } from "./generality/shapes.js";
import { run as runScript } from "./real-apis/workspace.js";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);
const work = mkdtempSync(join(tmpdir(), "opwatch-generality-"));
const envName = (name: string) => name.toUpperCase().replace(/-/g, "_");
const identifier = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
/** A scratch provider package's folder (or a file in it), where the generator writes it. */
const scratchPackage = (name: string, ...path: string[]) => join(work, ...providerDir(name).split("/"), ...path);

/** Runs a node script with this process's environment; resolves with its exit code and output. */
const run = (args: string[], env: NodeJS.ProcessEnv = process.env) => runScript("", args, env);

async function inPairs<T>(items: T[], task: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += 2) await Promise.all(items.slice(i, i + 2).map(task));
}

function link(target: string, at: string) {
  mkdirSync(dirname(at), { recursive: true });
  symlinkSync(target, at, "dir");
}

beforeAll(async () => {
  mkdirSync(join(work, "specs"));
  for (const shape of SHAPES) writeFileSync(join(work, "specs", `${shape.name}.yaml`), specText(shape));
  cpSync(join(root, "tsconfig.base.json"), join(work, "tsconfig.base.json"));
  for (const part of ["src", "package.json", "tsconfig.json", "tsconfig.build.json"]) {
    cpSync(join(root, "packages", "cli", part), join(work, "packages", "cli", part), { recursive: true });
  }
  const generated = spawnSync(process.execPath, [join(root, "scripts", "generate.mjs"), "--root", work], {
    encoding: "utf8",
    env: { ...process.env, CI: "" },
  });
  if (generated.status !== 0) throw new Error(generated.stderr);

  // What `pnpm install` would link: the workspace's core and openapi-fetch for each scratch package; the
  // CLI's own dependencies plus the scratch packages for the CLI.
  const openapiFetch = realpathSync(join(root, "packages", "core", "node_modules", "openapi-fetch"));
  for (const shape of SHAPES) {
    const modules = scratchPackage(shape.name, "node_modules");
    link(join(root, "packages", "core"), join(modules, "@opwatch", "core"));
    link(openapiFetch, join(modules, "openapi-fetch"));
  }
  const cliModules = join(root, "packages", "cli", "node_modules");
  for (const entry of readdirSync(cliModules)) {
    if (entry === ".bin") continue;
    if (entry.startsWith("@")) {
      for (const scoped of readdirSync(join(cliModules, entry))) {
        link(
          realpathSync(join(cliModules, entry, scoped)),
          join(work, "packages", "cli", "node_modules", entry, scoped),
        );
      }
    } else link(realpathSync(join(cliModules, entry)), join(work, "packages", "cli", "node_modules", entry));
  }
  for (const shape of SHAPES) {
    link(scratchPackage(shape.name), join(work, "packages", "cli", "node_modules", "@opwatch", shape.name));
  }

  link(join(root, "node_modules", "@types"), join(work, "node_modules", "@types"));
  const tsc = require.resolve("typescript/bin/tsc");
  await inPairs([...SHAPES.map((s) => s.name)], async (name) => {
    const built = await run([tsc, "-p", scratchPackage(name, "tsconfig.build.json")]);
    if (built.code !== 0) throw new Error(`${name} did not build:\n${built.output}`);
  });
  const cli = await run([tsc, "-p", join(work, "packages", "cli", "tsconfig.build.json")]);
  if (cli.code !== 0) throw new Error(`the CLI did not build:\n${cli.output}`);
}, 300_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A scripted server for one shape; a 429 gets its epoch reset 2 s ahead when it is sent. */
function serve(shape: Shape) {
  return startScriptedServer(join(work, "specs", `${shape.name}.yaml`), {
    operationId: "getOperation",
    requireHeader: shape.auth,
    script: (_, index) => {
      const step = shape.script[Math.min(index, shape.script.length - 1)] as Shape["script"][number];
      if (step.status !== 429) return step;
      return { ...step, headers: { "x-ratelimit-reset": String(Math.ceil(Date.now() / 1000) + 2) } };
    },
  });
}

describe("any provider from one spec file", { timeout: 120_000 }, () => {
  it("every scratch spec keeps the conventions of specs/README.md", () => {
    for (const shape of SHAPES) expect(checkConventions(parse(specText(shape))), shape.name).toEqual([]);
  });

  for (const shape of SHAPES) {
    it(`${shape.name} (${shape.about}): waits through the facade and the CLI`, async () => {
      const module = await import(pathToFileURL(scratchPackage(shape.name, "dist", "index.js")).href);
      const server = await serve(shape);
      try {
        const watcher = createWatcher({
          providers: [register(module[identifier(shape.name)], { token: TOKEN, baseUrl: server.url })],
        });
        const final = await watcher.wait(`${server.url}${shape.path}`, {
          minDelayMs: 10,
          maxDelayMs: 50,
          maxWaitMs: 20_000,
          throwOnFailure: false,
        });
        expect(final.state).toBe(shape.final.state);
        expect(final.error).toEqual(shape.final.error);
        expect(server.requests.map((r) => r.url)).toEqual(server.requests.map(() => shape.path));
        if (shape.name === "scratch-ratelimit") {
          const [first, second] = server.requests;
          // The reset was 1-2 s ahead; polling resumed no earlier than it.
          expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(900);
        }

        // The CLI: its registry is generated from the same specs, so the scratch provider is in it…
        const registry = readFileSync(join(work, "packages", "cli", "src", "generated", "providers.ts"), "utf8");
        expect(registry).toContain(
          `import { ${identifier(shape.name)}, description as ${identifier(shape.name)}Description } from "@opwatch/${shape.name}";`,
        );
        // …and the CLI, which builds its providers from that registry, reaches it with <NAME>_TOKEN / <NAME>_BASE_URL.
        const before = server.requests.length;
        const NAME = envName(shape.name);
        const cli = await run(
          [
            join(work, "packages", "cli", "dist", "bin.js"),
            "wait",
            `${server.url}${shape.path}`,
            "--min-delay",
            "10ms",
            "--max-delay",
            "50ms",
          ],
          { ...process.env, [`${NAME}_TOKEN`]: TOKEN, [`${NAME}_BASE_URL`]: server.url },
        );
        expect(cli.output).toContain(shape.final.state);
        expect(cli.code, cli.output).toBe(shape.final.state === "succeeded" ? 0 : 1);
        expect(server.requests.length).toBeGreaterThan(before);
      } finally {
        await server.stop();
      }
    });
  }

  it("scratch-int: a JSON number in a ref is sent; '0' and 'abc' are refused before any request", async () => {
    const shape = SHAPES.find((s) => s.name === "scratch-int") as Shape;
    const module = await import(pathToFileURL(scratchPackage(shape.name, "dist", "index.js")).href);
    const server = await serve(shape);
    try {
      const watcher = createWatcher({
        providers: [register(module.scratchInt, { token: TOKEN, baseUrl: server.url })],
      });
      const ref = watcher.ref(`${server.url}/tasks/42`);
      expect(ref.params).toEqual({ task: 42 });
      expect((await watcher.get(JSON.parse(JSON.stringify(ref)))).id).toBe("42");
      for (const bad of ["0", "abc"]) {
        await expect(watcher.get({ ...ref, params: { task: bad } })).rejects.toBeInstanceOf(ValidationError);
      }
      expect(server.requests).toHaveLength(1);
    } finally {
      await server.stop();
    }
  });
});
