// One small spec per x-opwatch shape, table-driven: each lints clean, the generator compiles it into the
// provider code it writes (src/generated/provider.ts), and the facade reads sample answers (as the real API
// documents them) from a loopback server into the states the shape promises — through the compiled code, and
// through the description interpreter of @opwatch/core/described, which must agree.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import type { ProviderDescription, ProviderModule } from "@opwatch/core";
import { describedProvider } from "@opwatch/core/described";
import { createWatcher, register } from "opwatch";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { renderProvider } from "../generator/compile/index.mjs";
import { renderDescription } from "../generator/render-description.mjs";
import { loadSpec } from "../generator/spec.mjs";
import { checkConventions } from "../spec-lint/check-conventions.mjs";
import { SPEC_SHAPES } from "./shapes/specs.js";

const TOKEN = "tok_shapes_8Qk2";
const work = mkdtempSync(join(tmpdir(), "opwatch-shapes-"));
let server: Server;
let base: string;
let answer: { status: number; body?: unknown; headers?: Record<string, string> } = { status: 200 };

beforeAll(async () => {
  server = createServer((_, res) => {
    res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const core = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "packages", "core", "dist");
/** Generated TypeScript as a module of the scratch folder: types stripped, core imported from the workspace's build. */
function asModule(source: string, file: string): void {
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  });
  const linked = js.outputText
    .replace('from "@opwatch/core/internal"', `from ${JSON.stringify(pathToFileURL(join(core, "internal.js")).href)}`)
    .replace('from "@opwatch/core"', `from ${JSON.stringify(pathToFileURL(join(core, "index.js")).href)}`)
    .replace('from "./description.js"', 'from "./description.mjs"');
  writeFileSync(file, linked);
}

/** What the generator writes for a spec (its description and its compiled provider), loaded. */
async function generated(name: string, spec: unknown) {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, JSON.stringify(spec));
  const loaded = await loadSpec(file);
  const dir = join(work, name);
  mkdirSync(dir);
  asModule(renderDescription(loaded, ""), join(dir, "description.mjs"));
  asModule(renderProvider(loaded, ""), join(dir, "provider.mjs"));
  const { description } = (await import(pathToFileURL(join(dir, "description.mjs")).href)) as {
    description: ProviderDescription;
  };
  const { provider } = (await import(pathToFileURL(join(dir, "provider.mjs")).href)) as {
    provider: ProviderModule<object>;
  };
  return { description, provider, problems: checkConventions(parse(JSON.stringify(spec))) };
}

describe.each(SPEC_SHAPES)("the $about shape", (shape) => {
  const modules: Record<string, ProviderModule<object>> = {};
  let problems: string[] = [];
  beforeAll(async () => {
    const made = await generated(shape.name, shape.spec);
    problems = made.problems;
    modules.compiled = made.provider;
    modules.described = describedProvider(made.description);
  });

  it("lints clean", () => {
    expect(problems).toEqual([]);
  });

  it.each(shape.samples.flatMap((sample) => ["compiled", "described"].map((path) => ({ ...sample, path }))))(
    "reads $about ($path)",
    async (sample) => {
      answer = sample.answer;
      const module = modules[sample.path] as ProviderModule<object>;
      const watcher = createWatcher({ providers: [register(module, { token: TOKEN, baseUrl: base })] });
      const got = watcher.get(`${base}${shape.path}`);
      if ("throws" in sample.expect) {
        const error = await got.then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toMatchObject(sample.expect.throws);
        expect((error as Error).message).toMatch(sample.expect.message);
      } else {
        expect(await got).toMatchObject(sample.expect);
      }
    },
  );
});

/** One shape of the table, by name. */
function shapeNamed(name: string) {
  const shape = SPEC_SHAPES.find((s) => s.name === name);
  if (!shape) throw new Error(`no shape ${name}`);
  return shape;
}

/** The object at `keys` inside a spec, to change it in place. */
const node = (spec: unknown, ...keys: string[]) =>
  keys.reduce((at, key) => (at as Record<string, unknown>)[key], spec) as Record<string, unknown>;

describe("the spec lint on the new shapes", () => {
  const conditions = shapeNamed("shape-conditions");
  const withXOpwatch = (change: (ext: Record<string, unknown>) => void) => {
    const spec = structuredClone(conditions.spec) as Record<string, Record<string, unknown>>;
    change(spec["x-opwatch"] as Record<string, unknown>);
    return checkConventions(spec);
  };

  it("names an entry field or a rule's failure pointer that the array's entries do not have", () => {
    const problems = withXOpwatch((ext) => {
      const when = (ext.status as { when: Record<string, unknown>[] }).when;
      (when[0] as Record<string, unknown>).entry = { kind: "Failed" };
      (when[0] as Record<string, unknown>).failure = { message: "/why" };
    });
    expect(problems).toContain(
      'x-opwatch/status/when/0/entry: "/kind" does not resolve in the entries of /status/conditions in the 200 schema of getOperation',
    );
    expect(problems).toContain(
      'x-opwatch/status/when/0/failure/message: "/why" does not resolve in the entries of /status/conditions in the 200 schema of getOperation',
    );
  });

  it("refuses a rule with both a pointer and all, and an unknown rate-limit meaning", () => {
    const problems = withXOpwatch((ext) => {
      const when = (ext.status as { when: Record<string, unknown>[] }).when;
      (when[2] as Record<string, unknown>).pointer = "/status/active";
      ext.rateLimit = { reset: "sliding" };
    });
    expect(problems.some((p) => p.startsWith("x-opwatch/status/when/2"))).toBe(true);
    expect(problems.some((p) => p.startsWith("x-opwatch/rateLimit/reset"))).toBe(true);
  });

  it("refuses an answers entry for a status that means auth, a wrong URL or pushback", () => {
    for (const code of ["401", "403", "404", "407", "429", "500"]) {
      const problems = withXOpwatch((ext) => {
        ext.answers = { [code]: "failed" };
      });
      expect(
        problems.some((p) => p.startsWith("x-opwatch/answers")),
        code,
      ).toBe(true);
    }
    const answered = withXOpwatch((ext) => {
      ext.answers = { "422": "failed", "202": "running" };
    });
    expect(answered).toEqual([]);
  });

  it("resolves a pointer in the body of a mapped answer, and counts its examples", () => {
    const answered = structuredClone(shapeNamed("shape-answer-bodies").spec) as Record<string, Record<string, unknown>>;
    expect(checkConventions(answered)).toEqual([]);
    (answered["x-opwatch"] as Record<string, unknown>).failure = { code: "/sqlState" };
    expect(checkConventions(answered)).toContain(
      'x-opwatch/failure/code: "/sqlState" does not resolve in the 200 schema of getOperation',
    );
  });

  it("asks for an example of a word outside the map when the status has a default", () => {
    const open = structuredClone(shapeNamed("shape-open-words").spec);
    const examples = node(
      open,
      "paths",
      "/jobs/{id}",
      "get",
      "responses",
      "200",
      "content",
      "application/json",
      "examples",
    );
    delete examples.in_progress;
    expect(checkConventions(open)).toContain(
      "x-opwatch/status/default: no named 200 example of a poll endpoint has a status word outside the map (name one in_progress)",
    );
  });

  it("asks a status header to be declared on a 2xx response", () => {
    const header = structuredClone(shapeNamed("shape-status-header").spec);
    delete node(header, "paths", "/operations/{id}", "get", "responses", "202").headers;
    expect(checkConventions(header)).toContain(
      'x-opwatch/status/header: no 2xx response of getOperation declares the header "x-ms-operation-status" (add it to the response\'s headers)',
    );
  });
});
