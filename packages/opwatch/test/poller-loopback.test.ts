// Every behaviour of the poller, on loopback servers and the real
// clock, for every provider: first poll at once, Retry-After never early, ETag/304, abort with no timer
// left, fail-fast, the failure budget, token refresh (functions that throw, rotate or return nothing).
import { type ScriptedServer, type ScriptStep, startScriptedServer } from "@opwatch/testkit";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  AbortError,
  AuthError,
  createWatcher,
  NetworkError,
  type OperationStatus,
  OpwatchError,
  type PollEvent,
  ResponseError,
  type Watcher,
} from "../src/index.js";
import { fixtures, type ProviderFixture, TOKEN } from "./support/fixtures.js";
import { type Loopback, loopback, send } from "./support/raw-loopback.js";

const FAST = { minDelayMs: 5, maxDelayMs: 20 };
const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function serve(
  fixture: ProviderFixture,
  steps: ScriptStep[] | ((index: number) => ScriptStep),
  token: string | (() => Promise<string>) = TOKEN,
): Promise<{ server: ScriptedServer; watcher: Watcher; url: string }> {
  const script = typeof steps === "function" ? (_request: unknown, index: number) => steps(index) : steps;
  const server = await startScriptedServer(fixture.spec, { operationId: fixture.operationId, script });
  servers.push(server);
  const watcher = createWatcher({ providers: [fixture.register(server.url, token)], polling: FAST });
  return { server, watcher, url: `${server.url}${fixture.path}` };
}

/** Timers alive in this process now (node's own resource list). */
const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === "Timeout").length;

describe.each(fixtures)("$name on loopback", (fixture) => {
  const done = fixture.progression.at(-1) as ScriptStep;

  it("Retry-After as an HTTP date on a throttled answer: the next poll never comes earlier", async () => {
    let date = "";
    const { server, watcher, url } = await serve(fixture, (index) => {
      if (index > 0) return done;
      // Made as the answer goes out: between 0.5 and 1.5 s ahead, in whole seconds.
      date = new Date(Math.floor((Date.now() + 1_500) / 1000) * 1000).toUTCString();
      return { ...fixture.throttled, headers: { "Retry-After": date } };
    });
    expect((await watcher.wait(url)).state).toBe("succeeded");
    const [first, second] = server.requests;
    expect(second?.at ?? 0).toBeGreaterThanOrEqual(Date.parse(date));
    expect((second?.at ?? 0) - (first?.at ?? 0)).toBeGreaterThanOrEqual(400);
  });

  it("abort mid-sleep and mid-request: AbortError at once, no timer left", async () => {
    const before = timers();
    const { watcher, url } = await serve(fixture, [fixture.running]);
    const sleeping = new AbortController();
    const pending = watcher.wait(url, {
      signal: sleeping.signal,
      minDelayMs: 60_000,
      maxDelayMs: 60_000,
      onProgress: () => setImmediate(() => sleeping.abort()),
    });
    await expect(pending).rejects.toBeInstanceOf(AbortError);
    expect(timers()).toBeLessThanOrEqual(before);

    // Mid-request: a server that never answers.
    const reading = new AbortController();
    const { watcher: slow, url: slowUrl } = await serveHanging(fixture);
    const waiting = slow.wait(slowUrl, { signal: reading.signal });
    setTimeout(() => reading.abort(), 20);
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("fails fast on a token function that throws: AuthError, no retry, the tokens it gave nowhere", async () => {
    let calls = 0;
    const { server, watcher, url } = await serve(fixture, [fixture.running, done], async () => {
      if (calls++ === 0) return "first-token-5b1c9e";
      throw new Error("vault refused to renew first-token-5b1c9e");
    });
    const error = await watcher.wait(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(server.requests).toHaveLength(1);
    for (const text of [String(error), JSON.stringify(error), String((error as Error).cause)]) {
      expect(text).not.toContain("first-token-5b1c9e");
    }
    const step = await watcher.step(url);
    expect(step.kind).toBe("error");
    expect(JSON.stringify(step)).not.toContain("first-token-5b1c9e");
    expect(server.requests).toHaveLength(1);
  });

  it("a rotating token function: each read carries the current token; two 401s in a row fail fast", async () => {
    let n = 0;
    const rotate = async () => `rotating-token-${n++}`;
    const { server, watcher, url } = await serve(fixture, [fixture.running, fixture.running, done], rotate);
    await watcher.wait(url);
    const [header] = fixture.auth("");
    const sent = server.requests.map((r) => r.headers[header]);
    expect(new Set(sent).size).toBe(sent.length);
    expect(sent.at(-1)).toBe(fixture.auth(`rotating-token-${n - 1}`)[1]);

    const denied = await serve(fixture, [fixture.unauthorized], rotate);
    const error = await denied.watcher.wait(denied.url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(denied.server.requests).toHaveLength(2); // the read, and one more with a fresh token
    expect(String(error)).not.toMatch(/rotating-token-/);
  });

  it("a token function that returns nothing is an AuthError before any request", async () => {
    const { server, watcher, url } = await serve(fixture, [done], async () => "  ");
    await expect(watcher.wait(url)).rejects.toBeInstanceOf(AuthError);
    expect(server.requests).toHaveLength(0);
  });
});

/** A server for `fixture` whose requests never get an answer (closed with the others). */
async function serveHanging(fixture: ProviderFixture) {
  const { createServer } = await import("node:http");
  const sockets = new Set<import("node:net").Socket>();
  const server = createServer(() => undefined);
  server.on("connection", (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address() as import("node:net").AddressInfo;
  const base = `http://127.0.0.1:${address.port}`;
  servers.push({
    url: base,
    requests: [],
    failures: [],
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  });
  const watcher = createWatcher({ providers: [fixture.register(base)], polling: FAST });
  return { watcher, url: `${base}${fixture.path}` };
}

describe("Bentley: ETag and 304 on loopback", () => {
  const bentleyFixture = fixtures.find((f) => f.name === "bentley") as ProviderFixture;
  const [, started, succeeded] = bentleyFixture.progression as [ScriptStep, ScriptStep, ScriptStep];

  it("a 304 without an ETag keeps the last one; a 304 with a new one replaces it; a 304 is no change", async () => {
    const { server, watcher, url } = await serve(bentleyFixture, [
      { ...started, headers: { ETag: '"a"' } },
      { status: 304 },
      { status: 304, headers: { ETag: '"b"' } },
      { ...succeeded, headers: { ETag: '"c"' } },
    ]);
    const seen: OperationStatus[] = [];
    await watcher.wait(url, { onProgress: (s) => seen.push(s) });
    expect(server.requests.map((r) => r.headers["if-none-match"])).toEqual([undefined, '"a"', '"a"', '"b"']);
    expect(seen.map((s) => s.state)).toEqual(["running", "succeeded"]);
  });

  it("a 304 to a read sent without If-None-Match fails fast with ResponseError", async () => {
    const { server, watcher, url } = await serve(bentleyFixture, [{ status: 304 }, succeeded]);
    await expect(watcher.wait(url)).rejects.toBeInstanceOf(ResponseError);
    expect(server.requests).toHaveLength(1);
  });
});

describe("providers without conditional reads", () => {
  for (const fixture of fixtures.filter((f) => f.name !== "bentley")) {
    it(`${fixture.name}: an ETag in the answer is never sent back as If-None-Match`, async () => {
      const withEtag = (step: ScriptStep) => ({ ...step, headers: { ...step.headers, ETag: '"x"' } });
      const { server, watcher, url } = await serve(fixture, fixture.progression.map(withEtag));
      await watcher.wait(url);
      expect(server.requests.every((r) => r.headers["if-none-match"] === undefined)).toBe(true);
    });
  }
});

// A refused connection, a 5xx or a 429 is retried only up to maxConsecutiveFailures in a row, then the wait
// rejects with the last failure as its cause; onRetry and onEvent see every retry; a good read resets the
// count; permanent errors end the wait at once.
describe.each(fixtures)("$name: the failure budget", (f) => {
  let server: Loopback;
  // Port 1: nothing listens there, the connection is refused (a port just freed could be taken by a parallel worker).
  const closedPort = "http://127.0.0.1:1";
  beforeAll(async () => {
    server = await loopback();
  });
  afterAll(() => server.close());
  const fast = { minDelayMs: 1, maxDelayMs: 5 };

  it("a refused connection: NetworkError after maxConsecutiveFailures, the last failure as cause", async () => {
    const watcher = createWatcher({ providers: [f.register(closedPort)] });
    const retries: number[] = [];
    const events: PollEvent["type"][] = [];
    const error = await watcher
      .wait(closedPort + f.path, {
        ...fast,
        maxConsecutiveFailures: 3,
        onRetry: (_e, ms) => retries.push(ms),
        onEvent: (e) => events.push(e.type),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/gave up after 3 failures in a row \(raise maxConsecutiveFailures/);
    expect((error as Error).cause).toBeInstanceOf(NetworkError);
    expect(retries).toHaveLength(2);
    expect(events.filter((type) => type === "request")).toHaveLength(3);
    expect(events.filter((type) => type === "retry")).toHaveLength(2);
  });

  it("5xx and 429 count together; a good read resets the count; 401/404 end at once", async () => {
    let calls = 0;
    const script = [f.serverError, f.throttled, f.running, f.serverError, f.throttled, f.serverError];
    server.handle = (_req, res) => {
      const step = script[Math.min(calls++, script.length - 1)] ?? f.serverError;
      send(res, step.status, step.body, { ...step.headers, "Retry-After": "0" });
    };
    const watcher = createWatcher({ providers: [f.register(server.url)] });
    const error = await watcher
      .wait(server.url + f.path, { ...fast, maxConsecutiveFailures: 3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpwatchError);
    expect((error as OpwatchError).retryable).toBe(true);
    expect(calls).toBe(6);

    for (const step of [f.unauthorized, { status: 404, body: f.unauthorized.body }]) {
      calls = 0;
      server.handle = (_req, res) => {
        calls++;
        send(res, step.status, step.body);
      };
      const refused = await watcher.wait(server.url + f.path, fast).catch((e: unknown) => e);
      expect((refused as OpwatchError).httpStatus).toBe(step.status);
      expect(calls).toBe(1);
    }
  });
});
