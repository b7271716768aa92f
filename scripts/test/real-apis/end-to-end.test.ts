// Real APIs' specs, as a provider author would take them: every author step of specs/README.md in a
// temporary copy of the repository, then waits through the facade, the typed client and the CLI against
// a loopback stand-in that answers as each API documents (its spec's examples, its documented pushback).
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { examplesOf, type ScriptStep, startScriptedServer } from "@opwatch/testkit";
import { createWatcher, register } from "opwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { providerName, REAL_APIS, type RealApi, type Run, realApisDir } from "./table.js";
import { type AuthorWorkspace, authorSteps, cleanEnv, expectEveryStepPassed, run } from "./workspace.js";

const TOKEN = "real-api-token-5d1c0e9a7b";
const TERMINAL = new Set(["succeeded", "failed", "canceled"]);
const identifier = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const envName = (name: string) => name.toUpperCase().replace(/-/g, "_");
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let workspace: AuthorWorkspace;

beforeAll(async () => {
  workspace = await authorSteps(REAL_APIS.map((api) => join(realApisDir, api.spec)));
  console.log(workspace.steps.map((step) => `${step.name}: ${step.ms} ms`).join("\n"));
}, 300_000);
afterAll(() => {
  if (workspace) rmSync(workspace.dir, { recursive: true, force: true });
});

/** The credential as the user gives it to opwatch. */
const tokenOf = (api: RealApi) => api.token ?? TOKEN;

/**
 * The stand-in for one run: the spec's examples (a 200's by name, another status's as `"202 running"`) and the
 * run's pushback, in order, checked against the spec.
 */
function standIn(api: RealApi, played: Run) {
  const spec = join(realApisDir, api.spec);
  const steps = played.play.map((play) => {
    if (typeof play === "function") return play;
    const [, code = "200", name = play] = /^(\d{3}) (.+)$/.exec(play) ?? [];
    const examples = examplesOf(spec, api.operationId, code);
    if (!(name in examples)) throw new Error(`${api.spec}: no ${code} example named ${name}`);
    return (): ScriptStep => ({ status: Number(code), body: examples[name] });
  });
  const token = tokenOf(api);
  return startScriptedServer(spec, {
    operationId: api.operationId,
    requireHeader: api.auth ? { [api.auth.header]: api.auth.value(token) } : { authorization: `Bearer ${token}` },
    script: (_, index) => (steps[Math.min(index, steps.length - 1)] as () => ScriptStep)(),
  });
}

async function providerModule(api: RealApi) {
  return import(pathToFileURL(workspace.providerPackage(providerName(api), "dist", "index.js")).href);
}

describe.concurrent("real APIs through every provider-author step", { timeout: 60_000 }, () => {
  it("lint:specs, generate, install, build and each generated package's tests all pass", () => {
    expectEveryStepPassed(workspace);
    // Every generated package's test files ran (one spec-contract file each), none failed.
    const tests = workspace.steps.at(-1)?.output ?? "";
    expect(tests).toMatch(new RegExp(`Test Files\\s+${REAL_APIS.length} passed`));
  });

  for (const api of REAL_APIS) {
    const name = providerName(api);
    for (const played of api.runs) {
      it(`${name}: ${played.name} ends ${played.state} through the facade, the typed client and the CLI`, async () => {
        const module = await providerModule(api);
        const url = (server: { url: string }) => `${server.url}${api.path}`;

        // The facade.
        let server = await standIn(api, played);
        try {
          const watcher = createWatcher({
            providers: [register(module[identifier(name)], { token: tokenOf(api), baseUrl: server.url })],
          });
          const started = Date.now();
          const final = await watcher.wait(url(server), {
            minDelayMs: 10,
            maxDelayMs: 50,
            maxWaitMs: 20_000,
            throwOnFailure: false,
          });
          expect(final.state).toBe(played.state);
          if (played.message) expect(final.error?.message).toContain(played.message);
          if (played.progress !== undefined) expect(final.progress).toBeCloseTo(played.progress, 6);
          if (api.createdAt) expect(final.createdAt?.toISOString()).toBe(api.createdAt);
          if (played.resultUrl) expect(final.resultUrl).toBe(played.resultUrl);
          if (played.pausedAtLeastMs) expect(Date.now() - started).toBeGreaterThanOrEqual(played.pausedAtLeastMs);
          expect(server.requests.length).toBeGreaterThanOrEqual(played.play.length);
          expect(new Set(server.requests.map((r) => r.url))).toEqual(new Set([api.path]));
        } finally {
          await server.stop();
        }

        // The typed client: reads until a terminal state, pausing as a RateLimitError says.
        server = await standIn(api, played);
        try {
          const client = module.createClient({ token: tokenOf(api), baseUrl: server.url });
          let state = "";
          let last: { progress?: number; createdAt?: Date; error?: { message: string }; resultUrl?: string } = {};
          for (let reads = 0; reads < 20 && !TERMINAL.has(state); reads += 1) {
            try {
              last = module.toStatus(await client.getOperation(api.params), client.baseUrl);
              state = (last as { state: string }).state;
            } catch (error) {
              expect((error as Error).name, String(error)).toBe("RateLimitError");
              await sleep(((error as { retryAfter?: number }).retryAfter ?? 0.05) * 1000);
            }
          }
          expect(state).toBe(played.state);
          if (played.message) expect(last.error?.message).toContain(played.message);
          if (played.progress !== undefined) expect(last.progress).toBeCloseTo(played.progress, 6);
          if (api.createdAt) expect(last.createdAt?.toISOString()).toBe(api.createdAt);
          if (played.resultUrl) expect(last.resultUrl).toBe(played.resultUrl);
          // The raw typed client reaches the same URL.
          const params = { path: api.params, ...(api.query === undefined ? {} : { query: api.query }) };
          const raw = await client.GET(pathTemplate(api), { params });
          expect(raw.response.url).toBe(url(server));
        } finally {
          await server.stop();
        }

        // The CLI, reaching the provider with <NAME>_TOKEN and <NAME>_BASE_URL.
        server = await standIn(api, played);
        try {
          const env = cleanEnv({ [`${envName(name)}_TOKEN`]: tokenOf(api), [`${envName(name)}_BASE_URL`]: server.url });
          const cli = await run(
            "opwatch wait",
            [workspace.cliBin, "wait", url(server), "--min-delay", "10ms", "--max-delay", "50ms"],
            env,
          );
          expect(cli.output).toContain(played.state);
          expect(cli.code, cli.output).toBe(played.state === "succeeded" ? 0 : 1);
          // `opwatch get` once per API (after the wait, the stand-in repeats its last answer): a CLI process
          // costs a second or more on a loaded machine, and its reading is the one `wait` just went through.
          if (played === api.runs[0]) {
            const get = await run("opwatch get", [workspace.cliBin, "get", url(server), "--json"], env);
            expect(get.code, get.output).toBe(0);
            expect(JSON.parse(get.output)).toMatchObject({ status: { state: played.state } });
          }
        } finally {
          await server.stop();
        }
      });
    }
  }
});

/** The poll operation's path template, as the spec writes it. */
function pathTemplate(api: RealApi): string {
  const doc = parse(readFileSync(join(realApisDir, api.spec), "utf8"));
  for (const [path, item] of Object.entries<Record<string, { operationId?: string }>>(doc.paths)) {
    if (item.get?.operationId === api.operationId) return path;
  }
  throw new Error(`${api.spec}: no GET ${api.operationId}`);
}
