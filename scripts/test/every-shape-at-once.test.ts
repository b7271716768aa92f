// A provider generated from a new spec that uses every x-opwatch shape at once (see
// generality/kitchen-spec.ts) works end to end through the facade for every input: each body shape maps to its
// state, each path parameter is checked before any request (and sent as the spec says), a mapped redirect
// is an answer, and the token goes only in the spec's API-key header.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProviderDescription } from "@opwatch/core";
import { describedProvider } from "@opwatch/core/described";
import { createWatcher, OpwatchError, ResponseError, register, ValidationError, type Watcher } from "opwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPackage } from "../generator/render-package.mjs";
import { loadSpec } from "../generator/spec.mjs";
import { validateExamples } from "../spec-lint/validate-examples.mjs";
import { EXAMPLES, kitchenText } from "./generality/kitchen-spec.js";

const TOKEN = "tok_kitchen_3Nf7";
const work = mkdtempSync(join(tmpdir(), "opwatch-every-shape-"));
const file = join(work, "kitchen.yaml");
let description: ProviderDescription;
let files: Record<string, string>;
let server: Server;
let base: string;
const requests: { url: string; headers: Record<string, string | string[] | undefined> }[] = [];
let answer: { status: number; body?: unknown; headers?: Record<string, string> } = { status: 200 };
let watcher: Watcher;

beforeAll(async () => {
  writeFileSync(file, kitchenText());
  const spec = await loadSpec(file);
  files = await renderPackage(spec, undefined, "packages/providers/kitchen");
  const source = files["src/generated/description.ts"] ?? "";
  const json = /export const description = ([\s\S]*) as const satisfies ProviderDescription;/.exec(source)?.[1];
  description = JSON.parse(json ?? "null");
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? "", headers: req.headers });
    res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  watcher = createWatcher({
    providers: [register(describedProvider(description), { token: TOKEN, baseUrl: base })],
  });
}, 60_000);
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const get = async (path: string, body: unknown) => {
  answer = { status: 200, body };
  return watcher.get(base + path);
};

describe("a provider generated from a spec with every shape", () => {
  it("lints clean and generates every file, the description as the spec says", async () => {
    expect((await validateExamples(file)).problems).toEqual([]);
    for (const name of ["package.json", "README.md", "src/generated/index.ts", "src/generated/schema.ts"]) {
      expect(files[name], name).toBeTruthy();
    }
    expect(description.auth).toEqual({ type: "header", name: "X-Kitchen-Key" });
    expect(Object.keys(description.endpoints)).toEqual(["getTask", "getScore", "getRun", "getNamed"]);
    expect(description.endpoints.getNamed?.pathParams[0]).toMatchObject({ multiSegment: true });
    expect(description.endpoints.getTask?.pathParams[0]).toMatchObject({ type: "integer", minimum: 1, maximum: 1000 });
  });

  it("maps every named example to its state, through every poll endpoint", async () => {
    for (const path of [
      "/tasks/42",
      "/scores/2.5",
      "/runs/eu/75aab8db-8632-42b4-af2f-06b5820798ef",
      "/v1/projects/p/operations/o",
    ]) {
      for (const [name, { state, value }] of Object.entries(EXAMPLES)) {
        expect((await get(path, value)).state, `${path} ${name}`).toBe(state);
      }
    }
  });

  it("reads every body shape: rules before the word, numbers and booleans as JSON spells them, codes, progress", async () => {
    const op = (extra: object) => ({ name: "projects/p/operations/o", ...extra });
    const cases: [unknown, Record<string, unknown>][] = [
      [
        op({ done: true, error: { code: 0, message: "Zero" } }),
        { state: "failed", error: { code: "0", message: "Zero" } },
      ],
      [op({ done: false, error: { code: 3, message: "Early" } }), { state: "failed" }],
      [op({ done: true, error: null, response: {} }), { state: "succeeded" }],
      [op({ done: true, metadata: { phase: "Cancelled" } }), { state: "canceled", done: true }],
      [
        op({ metadata: { phase: "stuck" } }),
        { state: "failed", error: { code: "STUCK", message: expect.any(String) } },
      ],
      [op({ metadata: { phase: 2 } }), { state: "unknown", rawStatus: "2", done: false }],
      [op({ metadata: { phase: false } }), { state: "unknown", done: false }],
      [op({ metadata: { phase: 1, progress: 1500 } }), { state: "running", progress: 1 }],
      [op({ metadata: { phase: 1, progress: -5 } }), { state: "running", progress: 0 }],
      [op({ metadata: { phase: 1, progress: 500 } }), { state: "running", progress: 0.5 }],
      [
        op({ done: false, metadata: { created: "2026-01-02T03:04:05Z", updated: "2026-01-02 03:04:06" } }),
        { state: "running" },
      ],
    ];
    for (const [body, expected] of cases) {
      expect(await get("/tasks/42", body), JSON.stringify(body)).toMatchObject(expected);
    }
    // No rule decides and no status word where the spec points: not an operation of this API at all.
    for (const body of [op({}), { name: 42 }]) {
      await expect(get("/tasks/42", body), JSON.stringify(body)).rejects.toThrow(
        /without the status the spec points to \(\/metadata\/phase\)/,
      );
    }
    const dated = await get("/tasks/42", cases[10]?.[0]);
    expect(dated.createdAt?.toISOString()).toBe("2026-01-02T03:04:05.000Z");
    expect(dated.updatedAt?.toISOString()).toBe("2026-01-02T03:04:06.000Z");
  });

  it("a 302 is the mapped answer, never followed; another redirect off the base URL reaches nobody", async () => {
    requests.length = 0;
    answer = { status: 302, headers: { location: "http://127.0.0.1:1/results/9" } };
    const status = await watcher.get(`${base}/tasks/42`);
    expect(status).toMatchObject({ state: "succeeded", done: true, resultUrl: "http://127.0.0.1:1/results/9" });
    answer = { status: 307, headers: { location: "http://127.0.0.1:1/tasks/42" } };
    await expect(watcher.get(`${base}/tasks/42`)).rejects.toBeInstanceOf(ResponseError);
    expect(requests).toHaveLength(2);
  });

  it("sends the token only in X-Kitchen-Key; an error answer is typed, with code and request id", async () => {
    requests.length = 0;
    answer = { status: 404, body: { code: "not_found", message: `No such operation (${TOKEN})`, request_id: "r-9" } };
    const error = await watcher.get(`${base}/tasks/42`).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: "NotFoundError", code: "not_found", requestId: "r-9", httpStatus: 404 });
    expect(JSON.stringify(error) + String(error)).not.toContain(TOKEN);
    expect(requests[0]?.headers["x-kitchen-key"]).toBe(TOKEN);
    expect(requests[0]?.headers.authorization).toBeUndefined();
  });

  it("checks every path parameter before any request, the same way in refs, status URLs and ref()", async () => {
    const UUID = "75aab8db-8632-42b4-af2f-06b5820798ef";
    const ok: [string, Record<string, unknown>, string][] = [
      ["getTask", { task: 42 }, "/tasks/42"],
      ["getTask", { task: "1000" }, "/tasks/1000"],
      ["getTask", { task: 1 }, "/tasks/1"],
      ["getScore", { score: 2.5 }, "/scores/2.5"],
      ["getScore", { score: "-1" }, "/scores/-1"],
      ["getRun", { region: "us", run: UUID.toUpperCase() }, `/runs/us/${UUID.toUpperCase()}`],
      ["getNamed", { name: "projects/p/operations/o" }, "/v1/projects/p/operations/o"],
      ["getNamed", { name: "projects/\u00e9 x/operations/o" }, "/v1/projects/%C3%A9%20x/operations/o"],
      ["getNamed", { name: "projects/a%2Fb/operations/o" }, "/v1/projects/a%252Fb/operations/o"],
    ];
    const bad: [string, Record<string, unknown>][] = [
      ...[
        0,
        "0",
        1001,
        "abc",
        "",
        4.5,
        "4.5",
        "01",
        " 42",
        "42 ",
        Number.NaN,
        Number.POSITIVE_INFINITY,
        -1,
        null,
        true,
      ].map((task): [string, Record<string, unknown>] => ["getTask", { task }]),
      ...[11, "ten", "Infinity", "", "1e400"].map((score): [string, Record<string, unknown>] => [
        "getScore",
        { score },
      ]),
      ["getRun", { region: "EU", run: UUID }],
      ["getRun", { region: "eu/..", run: UUID }],
      ["getRun", { region: "eu", run: `{${UUID}}` }],
      ["getRun", { region: "eu" }],
      ...[
        "projects/p/operations/o/..",
        "projects/../operations/o",
        "projects/./operations/o",
        "projects/p/operations/o?x=1",
        "projects/p/operations/o#x",
        "projects//operations/o",
        "projects/p/operations/o/",
        "projects\\p/operations/o",
        "/projects/p/operations/o",
        "x/p/operations/o",
        `projects/${"p".repeat(60)}/operations/o`,
      ].map((name): [string, Record<string, unknown>] => ["getNamed", { name }]),
    ];
    requests.length = 0;
    answer = { status: 200, body: EXAMPLES.running?.value };
    for (const [endpoint, params, path] of ok) {
      const ref = { provider: description.name, endpoint, params, baseUrl: base };
      expect(watcher.ref(ref).params, endpoint).toBeTruthy();
      await watcher.get(ref);
      expect(requests.at(-1)?.url, JSON.stringify(params)).toBe(path);
      await watcher.get(base + path);
      expect(requests.at(-1)?.url, path).toBe(path);
    }
    requests.length = 0;
    for (const [endpoint, params] of bad) {
      const ref = { provider: description.name, endpoint, params, baseUrl: base };
      const refused = await watcher.get(ref).catch((e: unknown) => e);
      expect(refused, JSON.stringify(params)).toBeInstanceOf(ValidationError);
      expect(() => watcher.ref(ref), JSON.stringify(params)).toThrow((refused as Error).message);
    }
    for (const path of [
      "/tasks/0",
      "/tasks/abc",
      "/tasks/%2",
      "/scores/ten",
      "/runs/EU/x",
      "/v1/projects/p/x/operations/o",
    ]) {
      const refused = await watcher.get(base + path).catch((e: unknown) => e);
      expect(refused, path).toBeInstanceOf(OpwatchError);
      expect(() => watcher.ref(base + path)).toThrow((refused as Error).message);
    }
    expect(requests).toEqual([]);
  });
});
