// every deadline holds against servers that hang, trickle headers or trickle the body,
// a token function that hangs, and a Retry-After that would sleep past the deadline; through node:http and
// through a fetch, for every provider. Bounds are loose (a loaded machine), but far below the 30 s
// per-request timeout and the server's Retry-After that would be waited out without the cut.
import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createWatcher,
  NetworkError,
  type OperationStatus,
  type ProviderModule,
  register,
  TimeoutError,
} from "../src/index.js";
import { fixtures, type ProviderFixture } from "./support/fixtures.js";
import { type Loopback, loopback, send } from "./support/raw-loopback.js";

const TOKEN = "tok_deadline_audit_5Gv8";
const timers = new Set<ReturnType<typeof setInterval>>();
const trickle = (res: ServerResponse, first: string, each: string) => {
  res.socket?.write(first);
  const timer = setInterval(() => res.socket?.write(each), 40);
  timers.add(timer);
  res.socket?.on("close", () => clearInterval(timer));
};
const behaviours: Record<string, (res: ServerResponse) => void> = {
  "never answers": () => undefined,
  "trickles headers": (res) => trickle(res, "HTTP/1.1 200 OK\r\n", "X-Slow: 1\r\n"),
  "trickles the body": (res) =>
    trickle(res, "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{", " "),
};

let server: Loopback;
beforeAll(async () => {
  server = await loopback();
});
afterAll(async () => {
  for (const timer of timers) clearInterval(timer);
  await server.close();
});

/** Elapsed ms and the outcome of `work`. */
async function timed(work: Promise<unknown>): Promise<{ ms: number; error: unknown }> {
  const started = Date.now();
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  return { ms: Date.now() - started, error };
}

/** The fixture's provider registered with any options. */
const registerWith = (f: ProviderFixture, options: Record<string, unknown>) => {
  const { provider } = f.register("http://127.0.0.1:1");
  return register(provider as ProviderModule<object>, { token: TOKEN, ...options });
};
const viaFetch = (input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init);

describe.each(fixtures)("$name: deadlines", (f) => {
  const url = () => server.url + f.path;
  for (const [name, behave] of Object.entries(behaviours)) {
    for (const transport of ["node:http", "fetch"]) {
      it(`maxWaitMs cuts a server that ${name} (${transport}); get() is cut by timeoutMs`, async () => {
        server.handle = (_req, res) => behave(res);
        const options = { baseUrl: server.url, ...(transport === "fetch" ? { fetch: viaFetch } : {}) };
        const watcher = createWatcher({ providers: [registerWith(f, options)] });
        const waited = await timed(watcher.wait(url(), { maxWaitMs: 300 }));
        expect(waited.error).toBeInstanceOf(TimeoutError);
        expect(waited.ms).toBeLessThan(2_000);

        const quick = createWatcher({ providers: [registerWith(f, { ...options, timeoutMs: 200 })] });
        const got = await timed(quick.get(url()));
        expect(got.error).toBeInstanceOf(NetworkError);
        expect((got.error as Error).message).toMatch(/timed out after 200 ms/);
        expect(got.ms).toBeLessThan(2_000);
      });
    }
  }

  it("a token function that hangs: the wait ends at maxWaitMs, get() at timeoutMs, nothing is sent", async () => {
    server.requests.length = 0;
    const hang = () => new Promise<string>(() => undefined);
    const watcher = createWatcher({ providers: [registerWith(f, { baseUrl: server.url, token: hang })] });
    const waited = await timed(watcher.wait(url(), { maxWaitMs: 300 }));
    expect(waited.error).toBeInstanceOf(TimeoutError);
    expect(waited.ms).toBeLessThan(2_000);
    const quick = createWatcher({ providers: [registerWith(f, { baseUrl: server.url, token: hang, timeoutMs: 200 })] });
    const got = await timed(quick.get(url()));
    expect(got.error).toBeInstanceOf(NetworkError);
    expect(got.ms).toBeLessThan(2_000);
    expect(server.requests).toEqual([]);
  });

  it("a Retry-After that would sleep past maxWaitMs ends the wait at once with the last status", async () => {
    for (const step of [f.running, f.throttled, f.serverError]) {
      server.handle = (_req, res) => send(res, step.status, step.body, { ...step.headers, "Retry-After": "3600" });
      const watcher = createWatcher({ providers: [registerWith(f, { baseUrl: server.url })] });
      const waited = await timed(watcher.wait(url(), { maxWaitMs: 60_000 }));
      expect(waited.error, String(step.status)).toBeInstanceOf(TimeoutError);
      expect((waited.error as Error).message).toMatch(/asked to wait 3600 s/);
      expect(waited.ms).toBeLessThan(2_000);
      if (step.status === 200) {
        expect((waited.error as TimeoutError<OperationStatus>).lastStatus?.state).toBe("running");
      }
    }
  });

  it("watch() and step() hold the same deadline against a server that never answers", async () => {
    server.handle = () => undefined;
    const watcher = createWatcher({ providers: [registerWith(f, { baseUrl: server.url })] });
    const watched = await timed(
      (async () => {
        for await (const _ of watcher.watch(url(), { maxWaitMs: 300 })) void _;
      })(),
    );
    expect(watched.error).toBeInstanceOf(TimeoutError);
    expect(watched.ms).toBeLessThan(2_000);
    const started = Date.now();
    const outcome = await watcher.step(url(), undefined, { maxWaitMs: 300 });
    expect(outcome.kind).toBe("error");
    expect(outcome.kind === "error" && outcome.error).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
