// The facade's wait/watch/get against spec-validated scripted servers, for every provider.
import { type ScriptedServer, type ScriptStep, startScriptedServer } from "@opwatch/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  AbortError,
  AuthError,
  createWatcher,
  OperationFailedError,
  type OperationStatus,
  TimeoutError,
} from "../src/index.js";
import { fixtures, type ProviderFixture, TOKEN } from "./support/fixtures.js";

const FAST = { minDelayMs: 5, maxDelayMs: 20 };
const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function serve(fixture: ProviderFixture, script: ScriptStep[] | ((index: number) => ScriptStep)) {
  const server = await startScriptedServer(fixture.spec, {
    operationId: fixture.operationId,
    script: typeof script === "function" ? (_request, index) => script(index) : script,
  });
  servers.push(server);
  const watcher = createWatcher({ providers: [fixture.register(server.url)], polling: FAST });
  return { server, watcher, url: `${server.url}${fixture.path}` };
}

describe.each(fixtures)("$name", (fixture) => {
  it("goes through its states to succeeded, reporting each change once", async () => {
    const { server, watcher, url } = await serve(fixture, fixture.progression);
    const seen: OperationStatus[] = [];
    const final = await watcher.wait(url, { onProgress: (status) => seen.push(status) });
    expect(seen.map((s) => s.state)).toEqual(fixture.states);
    if (fixture.progress) expect(seen.map((s) => s.progress)).toEqual(fixture.progress);
    expect(final.state).toBe("succeeded");
    expect(final.done).toBe(true);
    expect(server.requests).toHaveLength(fixture.progression.length);
    const [header, value] = fixture.auth(TOKEN);
    expect(server.requests.every((r) => r.headers[header] === value)).toBe(true);
  });

  it("watch() yields the same changes as an async iterator", async () => {
    const { watcher, url } = await serve(fixture, fixture.progression);
    const states: string[] = [];
    for await (const status of watcher.watch(url)) states.push(status.state);
    expect(states).toEqual(fixture.states);
  });

  it("polls the first time at once, not after the floor delay", async () => {
    const { watcher, url } = await serve(fixture, [fixture.running]);
    const started = Date.now();
    const iterator = watcher.watch(url, { minDelayMs: 5_000, maxDelayMs: 5_000 });
    const first = await iterator.next();
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(first.value?.state).toBe("running");
    await iterator.return?.(undefined);
  });

  it("rejects with OperationFailedError when it fails, or resolves when asked not to throw", async () => {
    const { watcher, url } = await serve(fixture, [fixture.running, fixture.failed]);
    const error = await watcher.wait(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OperationFailedError);
    const finalStatus = (error as OperationFailedError<OperationStatus>).finalStatus;
    expect(finalStatus.state).toBe("failed");
    expect(finalStatus.error).toEqual(fixture.failure);

    const { watcher: again, url: url2 } = await serve(fixture, [fixture.failed]);
    const final = await again.wait(url2, { throwOnFailure: false });
    expect(final).toMatchObject({ state: "failed", done: true, error: fixture.failure });
  });

  it("honours Retry-After: no poll arrives before it elapses", async () => {
    const last = fixture.progression.at(-1) as ScriptStep;
    const { server, watcher, url } = await serve(fixture, [fixture.throttled, last]);
    const retries: [string, number | undefined, number][] = [];
    const final = await watcher.wait(url, {
      onRetry: (error, delayMs) => retries.push([error.name, error.retryAfter, delayMs]),
    });
    expect(final.state).toBe("succeeded");
    expect(retries).toHaveLength(1);
    expect(retries[0]?.[1]).toBe(1);
    expect(retries[0]?.[2]).toBeGreaterThanOrEqual(1000);
    expect(server.requests).toHaveLength(2);
    const [first, second] = server.requests.map((r) => r.at);
    expect((second ?? 0) - (first ?? 0)).toBeGreaterThanOrEqual(1000);
  });

  it("retries 5xx inside the wait and recovers", async () => {
    const last = fixture.progression.at(-1) as ScriptStep;
    const { server, watcher, url } = await serve(fixture, [fixture.serverError, fixture.serverError, last]);
    expect((await watcher.wait(url)).state).toBe("succeeded");
    expect(server.requests).toHaveLength(3);
  });

  it("fails fast on 401, without retrying", async () => {
    const { server, watcher, url } = await serve(fixture, [fixture.unauthorized, fixture.running]);
    const error = await watcher.wait(url).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(server.requests).toHaveLength(1);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect(String(error)).not.toContain(TOKEN);
  });

  it("asks a token function again once after a 401, then succeeds with the fresh token", async () => {
    const last = fixture.progression.at(-1) as ScriptStep;
    const { server } = await serve(fixture, [fixture.unauthorized, last]);
    let calls = 0;
    const tokens = ["expired-token-000", "fresh-token-111"];
    const watcher = createWatcher({
      providers: [fixture.register(server.url, async () => tokens[Math.min(calls++, 1)] as string)],
      polling: FAST,
    });
    const final = await watcher.wait(`${server.url}${fixture.path}`);
    expect(final.state).toBe("succeeded");
    expect(calls).toBe(2);
    const [header] = fixture.auth("");
    expect(server.requests.map((r) => r.headers[header])).toEqual(tokens.map((t) => fixture.auth(t)[1]));
  });

  it("stops at once when aborted mid-wait", async () => {
    const { watcher, url } = await serve(fixture, [fixture.running]);
    const controller = new AbortController();
    const pending = watcher.wait(url, {
      signal: controller.signal,
      minDelayMs: 60_000,
      maxDelayMs: 60_000,
      onProgress: () => setTimeout(() => controller.abort(), 20),
    });
    const started = Date.now();
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AbortError);
    // The next poll was a minute away: rejecting well under that proves the abort cut the sleep short.
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("times out with the last status seen", async () => {
    const { watcher, url } = await serve(fixture, [fixture.running]);
    const error = await watcher.wait(url, { maxWaitMs: 150 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError<OperationStatus>).lastStatus?.state).toBe("running");
    expect((error as Error).message).toMatch(/not done after 150 ms; last state: running/);
  });

  it("maps an unknown status word to unknown, keeping the raw value, and goes on polling", async () => {
    const last = fixture.progression.at(-1) as ScriptStep;
    const { watcher, url } = await serve(fixture, [fixture.unknown, last]);
    const seen: OperationStatus[] = [];
    await watcher.wait(url, { onProgress: (s) => seen.push(s) });
    expect(seen[0]).toMatchObject({ state: "unknown", done: false, rawStatus: fixture.unknownWord });
    expect(seen.at(-1)?.state).toBe("succeeded");
  });

  if (fixture.canceled) {
    const canceled = fixture.canceled;
    it("reports canceled as a failure the caller can choose to accept", async () => {
      const { watcher, url } = await serve(fixture, [canceled]);
      await expect(watcher.wait(url)).rejects.toBeInstanceOf(OperationFailedError);
      expect((await watcher.wait(url, { throwOnFailure: false })).state).toBe("canceled");
    });
  }

  it("get() reads once and returns a ref that resumes polling from plain JSON", async () => {
    const { server, watcher, url } = await serve(fixture, fixture.progression);
    const first = await watcher.get(url);
    expect(first.state).toBe(fixture.states[0]);
    const ref = JSON.parse(JSON.stringify(first.ref));
    const other = createWatcher({ providers: [fixture.register(server.url)], polling: FAST });
    expect((await other.wait(ref)).state).toBe("succeeded");
  });
});
