// One small spec per x-opwatch shape, table-driven: each lints clean, the generator turns it into the
// description it renders, and the facade reads sample answers (as the real API documents them) from a loopback
// server into the states the shape promises.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProviderDescription } from "@opwatch/core";
import { createWatcher, register } from "opwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
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

/** The description the generator renders into `src/generated/description.ts`, read back from that source. */
async function generated(
  name: string,
  spec: unknown,
): Promise<{ description: ProviderDescription; problems: string[] }> {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, JSON.stringify(spec));
  const loaded = await loadSpec(file);
  const source = renderDescription(loaded, "");
  const json = /export const description = ([\s\S]*) as const satisfies ProviderDescription;/.exec(source)?.[1];
  return { description: JSON.parse(json ?? "null"), problems: checkConventions(parse(JSON.stringify(spec))) };
}

describe.each(SPEC_SHAPES)("the $about shape", (shape) => {
  let description: ProviderDescription;
  let problems: string[];
  beforeAll(async () => {
    ({ description, problems } = await generated(shape.name, shape.spec));
  });

  it("lints clean", () => {
    expect(problems).toEqual([]);
  });

  it.each(shape.samples)("reads $about", async (sample) => {
    answer = sample.answer;
    const watcher = createWatcher({
      providers: [register({ name: description.name, description }, { token: TOKEN, baseUrl: base })],
    });
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
  });
});

/** The object at `keys` inside a spec, to change it in place. */
const node = (spec: unknown, ...keys: string[]) =>
  keys.reduce((at, key) => (at as Record<string, unknown>)[key], spec) as Record<string, unknown>;

describe("the spec lint on the new shapes", () => {
  const conditions = SPEC_SHAPES[0] as (typeof SPEC_SHAPES)[number];
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

  it("asks for an example of a word outside the map when the status has a default", () => {
    const open = structuredClone(SPEC_SHAPES[1]?.spec);
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
    const header = structuredClone(SPEC_SHAPES[3]?.spec);
    delete node(header, "paths", "/operations/{id}", "get", "responses", "202").headers;
    expect(checkConventions(header)).toContain(
      'x-opwatch/status/header: no 2xx response of getOperation declares the header "x-ms-operation-status" (add it to the response\'s headers)',
    );
  });
});
