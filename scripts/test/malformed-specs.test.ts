// Specs as an author may save them by mistake: truncated, a value of the wrong type anywhere, a key missing.
// Whatever the input, the generator's reader either loads it or refuses it with a SpecError whose message
// names the file and a JSON pointer, and the spec lint's example pass returns problems rather than throwing.
// Seeded, so a failure replays; bounded to a few hundred small cases.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { loadSpec, SpecError } from "../generator/spec.mjs";
import { validateExamples } from "../spec-lint/validate-examples.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const dir = mkdtempSync(join(tmpdir(), "opwatch-malformed-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** mulberry32: a small seeded generator, so every case replays. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// biome-ignore lint/suspicious/noExplicitAny: a spec is untyped YAML.
type Node = any;
const WRONG: unknown[] = [null, 0, -1, "", "x", true, [], {}, [1, "a"], { $ref: "#/nowhere" }, { $ref: 7 }];

/** Every [parent, key] in a document, depth first. */
function slots(node: Node, out: [Node, string | number][] = []): [Node, string | number][] {
  if (node && typeof node === "object") {
    for (const key of Array.isArray(node) ? node.keys() : Object.keys(node)) {
      out.push([node, key]);
      slots(node[key], out);
    }
  }
  return out;
}

/** Loads the text as specs/fuzzed.yaml: a spec, a SpecError naming the file, never another error. */
async function outcome(text: string): Promise<string> {
  const file = join(dir, "fuzzed.yaml");
  writeFileSync(file, text);
  let loaded = "loaded";
  try {
    await loadSpec(file);
  } catch (error) {
    expect(error, String((error as Error)?.stack)).toBeInstanceOf(SpecError);
    expect((error as Error).message).toMatch(/^fuzzed\.yaml(#\/\S*)?: \S/);
    loaded = "refused";
  }
  const linted = await validateExamples(file);
  expect(Array.isArray(linted.problems)).toBe(true);
  return loaded;
}

const base = readFileSync(join(root, "specs", "ecl.yaml"), "utf8");

describe("malformed specs end in a message, never a crash", { timeout: 120_000 }, () => {
  it("a spec truncated anywhere", async () => {
    const next = random(1);
    const seen = new Set<string>();
    for (let i = 0; i < 40; i += 1) seen.add(await outcome(base.slice(0, Math.floor(next() * base.length))));
    expect(seen.has("refused")).toBe(true);
  });

  it("a value of the wrong type anywhere, or a key removed", async () => {
    const next = random(2);
    const seen = new Set<string>();
    for (let i = 0; i < 250; i += 1) {
      const doc = parse(base);
      const all = slots(doc);
      const [parent, key] = all[Math.floor(next() * all.length)] as [Node, string | number];
      if (next() < 0.25 && !Array.isArray(parent)) delete parent[key];
      else parent[key] = WRONG[Math.floor(next() * WRONG.length)];
      seen.add(await outcome(stringify(doc)));
    }
    expect(seen).toEqual(new Set(["loaded", "refused"]));
  });

  it("inputs that are no OpenAPI 3 document at all", async () => {
    for (const text of [
      "",
      "null",
      "[1, 2]",
      "just words",
      '{"openapi": 3.1}',
      "swagger: '2.0'\npaths: {}\n",
      "a: [\n",
    ]) {
      expect(await outcome(text)).toBe("refused");
    }
  });

  it("pnpm generate and pnpm lint:specs print the message without a stack trace", () => {
    const checkout = mkdtempSync(join(dir, "checkout-"));
    const specs = join(checkout, "specs");
    spawnSync("mkdir", [specs]);
    const swagger = { swagger: "2.0", info: { title: "Old", version: "1" }, paths: {} };
    writeFileSync(join(specs, "old.yaml"), JSON.stringify(swagger));
    const generate = spawnSync(process.execPath, [join(root, "scripts", "generate.mjs"), "--root", checkout], {
      encoding: "utf8",
    });
    expect(generate.status).toBe(1);
    expect(generate.stderr).toContain("generate: specs/old.yaml#/swagger: is a Swagger 2.0 document");
    expect(generate.stderr).toContain("npx swagger2openapi");
    const external = parse(base);
    external.paths[Object.keys(external.paths)[0] as string].get.responses["200"] = { $ref: "responses.yaml#/ok" };
    writeFileSync(join(specs, "split.yaml"), stringify(external));
    const lint = spawnSync(process.execPath, [join(root, "scripts", "lint-specs.mjs"), join(specs, "split.yaml")], {
      encoding: "utf8",
      cwd: checkout,
    });
    expect(lint.status).toBe(1);
    expect(lint.stderr).toMatch(/split\.yaml: #\/paths\/.+\/get\/responses\/200\/\$ref: is a \$ref into another file/);
    expect(lint.stderr).toContain("pnpm exec redocly bundle");
    for (const output of [generate.stderr, lint.stderr]) expect(output).not.toMatch(/\n\s+at .+:\d+:\d+/);
  });
});
