// the provider's pushback (429, Retry-After on an error, rate-limit reset)
// seen by one wait delays every wait to that origin and credential, and only those. Every provider.
import { describe, expect, it } from "vitest";
import { createWatcher, type PollEvent, TimeoutError } from "../src/index.js";
import { FakeClock } from "./support/fake-clock.js";
import { BASE, createdAt, fixtures, providerWatcher, registerStub, stubFetch } from "./support/provider-kit.js";

const last = <T>(list: readonly T[]) => list.at(-1) as T;

describe.each(fixtures)("$name: pushback shared by the watcher's waits", (fixture) => {
  const throttled = (headers: Record<string, string>) => ({ ...fixture.throttled, headers });
  const done = last(fixture.progression);

  it("a wait queued for a request slot does not read while another wait's Retry-After lasts", async () => {
    const clock = new FakeClock();
    const { watcher, sent, url } = providerWatcher(
      fixture,
      clock,
      (_r, index) => (index === 0 ? throttled({ "Retry-After": "20" }) : done),
      { maxInFlightPerOrigin: 1 },
    );
    const a = watcher.wait(url);
    const b = watcher.wait(url); // queued behind a's read
    const c = watcher.wait(url);
    await clock.advance(0);
    expect(sent).toHaveLength(1);
    await clock.advance(19_999);
    expect(sent).toHaveLength(1);
    await clock.run(Promise.all([a, b, c]));
    expect(sent.slice(1).every((r) => r.at >= 20_000 + (sent[0]?.at ?? 0))).toBe(true);
    expect(clock.timers).toBe(0);
  });

  it("a sleeping wait, and a new wait's first poll, hold until the pushback passes", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { watcher, sent, url } = providerWatcher(fixture, clock, (_r, index) =>
      index === 1 ? throttled({ "Retry-After": "30" }) : fixture.running,
    );
    const controller = new AbortController();
    const signal = controller.signal;
    const a = watcher.watch(url, { minDelayMs: 1_000, maxDelayMs: 2_000, signal });
    await a.next();
    const b = watcher.watch(url, { signal });
    const bFirst = b.next(); // 429 / 500 with Retry-After: 30
    await clock.advance(0);
    expect(sent).toHaveLength(2);
    const aNext = a.next().catch((e: unknown) => e); // running again: no change to yield
    const events: PollEvent[] = [];
    const c = watcher.watch(url, { onEvent: (e) => events.push(e), signal }).next(); // a new wait: held too
    await clock.advance(29_000);
    expect(sent).toHaveLength(2);
    expect(events).toContainEqual(expect.objectContaining({ type: "scheduled", reason: "pushback" }));
    await clock.advance(3_000); // within one floor of the end, spread at random
    expect(sent.length).toBeGreaterThanOrEqual(4);
    expect(sent.slice(2).every((r) => r.at >= start + 30_000)).toBe(true);
    expect((await bFirst).value?.state).toBe("running");
    expect((await c).value?.state).toBe("running");
    controller.abort();
    await aNext;
    expect(clock.timers).toBe(0);
  });

  it("only that provider's waits: another provider (another credential) on the same origin is not held", async () => {
    const clock = new FakeClock();
    const other = fixtures.find((f) => f.name !== fixture.name && f.path.split("/")[1] !== fixture.path.split("/")[1]);
    if (!other) throw new Error("no other fixture");
    const mine = stubFetch(clock, (_r, index) => (index === 0 ? throttled({ "Retry-After": "60" }) : fixture.running));
    const theirs = stubFetch(clock, () => other.running);
    const watcher = createWatcher({
      providers: [registerStub(fixture, mine.fetch), registerStub(other, theirs.fetch)],
      clock,
    });
    expect(watcher.pushbackKey(`${BASE}${fixture.path}`)).toBe(`${fixture.name}@${BASE}`);
    expect(watcher.pushbackKey(`${BASE}${other.path}`)).toBe(`${other.name}@${BASE}`);
    const step = await watcher.step(`${BASE}${fixture.path}`);
    expect(step).toMatchObject({ kind: "pending", pushback: { key: `${fixture.name}@${BASE}` } });
    const theirStep = await watcher.step(`${BASE}${other.path}`);
    expect(theirStep).toMatchObject({ kind: "pending", changed: true });
    expect(theirStep).not.toHaveProperty("pushback");
    expect(theirs.sent).toHaveLength(1);
    // Mine: the next step waits without a request.
    const again = await watcher.step(`${BASE}${fixture.path}`, step.state);
    expect(again).toMatchObject({ kind: "pending", reason: "pushback" });
    expect(mine.sent).toHaveLength(1);
  });
});

describe("pushback edge inputs (Bentley, every header form)", () => {
  const bentleyFixture = fixtures.find((f) => f.name === "bentley") as (typeof fixtures)[number];

  it("1,000 waits queued for one slot: a 429 holds them all, and none sends during it", async () => {
    const clock = new FakeClock();
    const done = last(bentleyFixture.progression);
    const { watcher, sent, url } = providerWatcher(
      bentleyFixture,
      clock,
      (_r, index) => (index === 0 ? { ...bentleyFixture.throttled, headers: { "Retry-After": "10" } } : done),
      { maxInFlightPerOrigin: 1 },
    );
    for (let i = 0; i < 1_000; i++) watcher.wait(url, { random: () => 0 });
    await clock.advance(9_999);
    expect(sent).toHaveLength(1);
    await clock.advance(1);
    // Then they read again, one at a time through the one slot (not run to the end here: that is slow).
    expect(sent.length).toBeGreaterThan(1);
    expect(sent.slice(1).every((r) => r.at >= 10_000 + (sent[0]?.at ?? 0))).toBe(true);
  });

  it("another origin of the same provider is not held (Bentley's api and dev-api hosts)", async () => {
    const clock = new FakeClock();
    const { fetch, sent } = stubFetch(clock, (request) =>
      request.url.startsWith("https://api.") ? rateLimited({ "Retry-After": "60" }) : bentleyFixture.running,
    );
    const watcher = createWatcher({
      providers: [registerStub(bentleyFixture, fetch, undefined, "https://api.bentley.com")],
      clock,
    });
    const path = bentleyFixture.path;
    const held = await watcher.step(`https://api.bentley.com${path}`);
    expect(held).toMatchObject({ kind: "pending", pushback: { key: "bentley@https://api.bentley.com" } });
    const free = await watcher.step(`https://dev-api.bentley.com${path}`);
    expect(free).toMatchObject({ kind: "pending", changed: true });
    expect(free).not.toHaveProperty("pushback");
    expect(watcher.pushbackKey(`https://dev-api.bentley.com${path}`)).toBe("bentley@https://dev-api.bentley.com");
    expect(sent.map((r) => new URL(r.url).host)).toEqual(["api.bentley.com", "dev-api.bentley.com"]);
  });
  const rateLimited = (headers: Record<string, string>) => ({ ...bentleyFixture.throttled, headers });

  const cases: [string, Record<string, string>, number][] = [
    ["Retry-After in seconds", { "Retry-After": "20" }, 20_000],
    ["X-RateLimit-Reset in seconds", { "X-RateLimit-Reset": "20" }, 20_000],
    ["RateLimit-Reset in seconds", { "RateLimit-Reset": "20" }, 20_000],
    ["the IETF RateLimit field", { RateLimit: '"default";r=0;t=20' }, 20_000],
  ];
  for (const [name, headers, ms] of cases) {
    it(`a 429 with ${name} holds a second wait for ${ms} ms`, async () => {
      const clock = new FakeClock();
      const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, (_r, index) =>
        index === 0 ? rateLimited(headers) : bentleyFixture.running,
      );
      const first = await watcher.step(url);
      expect(first).toMatchObject({ kind: "pending", delayMs: ms, pushback: { untilMs: clock.now() + ms } });
      const b = watcher.watch(url).next();
      await clock.advance(ms - 1);
      expect(sent).toHaveLength(1);
      await clock.advance(1_001);
      expect(sent).toHaveLength(2);
      await b;
    });
  }

  it("Retry-After as an HTTP date on a 503 holds the other waits until that date, never earlier", async () => {
    const start = Math.ceil(Date.now() / 1000) * 1000;
    const clock = new FakeClock(start);
    const date = new Date(start + 30_000).toUTCString();
    const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, (_r, index) =>
      index === 0 ? { ...bentleyFixture.serverError, headers: { "Retry-After": date } } : bentleyFixture.running,
    );
    const first = await watcher.step(url);
    expect(first.kind).toBe("pending");
    if (first.kind !== "pending") return;
    expect(first.reason).toBe("retry-after");
    expect(first.delayMs).toBeGreaterThanOrEqual(29_000);
    const b = watcher.watch(url).next();
    await clock.advance(first.delayMs - 1);
    expect(sent).toHaveLength(1);
    await clock.advance(1_001);
    await b;
    expect(sent).toHaveLength(2);
  });

  it("garbage, negative and zero Retry-After on a 503 fall back to backoff and hold no one for long", async () => {
    for (const value of ["soon", "-5", "0", "1.5", ""]) {
      const clock = new FakeClock();
      const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, (_r, index) =>
        index === 0 ? { ...bentleyFixture.serverError, headers: { "Retry-After": value } } : bentleyFixture.running,
      );
      const first = await watcher.step(url, undefined, { random: () => 0 });
      expect(first).toMatchObject({ kind: "pending", reason: "backoff", delayMs: 1_000 });
      expect(first).not.toHaveProperty("pushback");
      const b = watcher.watch(url).next();
      await clock.advance(0);
      expect(sent).toHaveLength(2);
      await b;
    }
  });

  it("a huge Retry-After past the deadline ends the wait at once with TimeoutError, not a sleep", async () => {
    const clock = new FakeClock();
    const running = createdAt(bentleyFixture, bentleyFixture.running, clock.now());
    const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, (_r, index) =>
      index === 0 ? running : rateLimited({ "Retry-After": "99999999999" }),
    );
    const { error } = await clock.run(watcher.wait(url, { maxWaitMs: 60_000 }), 120_000);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toContain("the server asked to wait 99999999999 s more");
    expect((error as TimeoutError<{ state: string }>).lastStatus?.state).toBe("running");
    expect(sent).toHaveLength(2);
    expect(clock.timers).toBe(0);
  });

  it("a Retry-After on a 200 paces that operation only", async () => {
    const clock = new FakeClock();
    const running = createdAt(bentleyFixture, bentleyFixture.running, clock.now());
    const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, (_r, index) =>
      index === 0 ? { ...running, headers: { "Retry-After": "40" } } : running,
    );
    const first = await watcher.step(url);
    expect(first).toMatchObject({ kind: "pending", reason: "retry-after", delayMs: 40_000 });
    expect(first).not.toHaveProperty("pushback");
    const b = await watcher.step(url);
    expect(b).toMatchObject({ kind: "pending", reason: "pacing" });
    expect(sent).toHaveLength(2);
  });
});
