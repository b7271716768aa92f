// one scheduler per watcher, a per-origin limit on requests in flight shared by
// waits, watches, steps and gets (first polls included), configurable, checked; a clock that is injectable.
import { describe, expect, it } from "vitest";
import {
  createWatcher,
  DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN,
  type OperationStatus,
  type StepOutcome,
  ValidationError,
} from "../src/index.js";
import { FakeClock } from "./support/fake-clock.js";
import { BASE, fixtures, providerWatcher, registerStub, stubFetch } from "./support/provider-kit.js";

/** Answers `step` after `clock` moves on a tick, counting requests in flight. */
function counting(clock: FakeClock) {
  const counter = { now: 0, peak: 0 };
  const answer = (step: unknown) => async () => {
    counter.now++;
    counter.peak = Math.max(counter.peak, counter.now);
    await new Promise((resolve) => setImmediate(resolve));
    counter.now--;
    return step as never;
  };
  return { counter, answer, clock };
}

describe.each(fixtures)("$name: requests in flight per origin", (fixture) => {
  const done = fixture.progression.at(-1);

  it(`by default at most ${DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN}: 300 waits, watches, steps and gets together`, async () => {
    const clock = new FakeClock();
    const { counter, answer } = counting(clock);
    const { watcher, sent, url } = providerWatcher(fixture, clock, answer(done));
    const all: Promise<unknown>[] = [];
    for (let i = 0; i < 75; i++) {
      all.push(watcher.wait(url));
      all.push(watcher.watch(url).next());
      all.push(watcher.step(url));
      all.push(watcher.get(url));
    }
    const results = await Promise.all(all);
    expect(sent).toHaveLength(300);
    expect(counter.peak).toBe(DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN);
    expect(results.filter((r) => (r as StepOutcome).kind === "done")).toHaveLength(75);
    expect(clock.timers).toBe(0);
  });

  it("configurable: maxInFlightPerOrigin 3 with 50 waits; bad values are a ValidationError", async () => {
    const clock = new FakeClock();
    const { counter, answer } = counting(clock);
    const { watcher, sent, url } = providerWatcher(fixture, clock, answer(done), { maxInFlightPerOrigin: 3 });
    const finals = await Promise.all(Array.from({ length: 50 }, () => watcher.wait(url)));
    expect(finals.every((s: OperationStatus) => s.state === "succeeded")).toBe(true);
    expect(sent).toHaveLength(50);
    expect(counter.peak).toBe(3);
    const { fetch } = stubFetch(clock, answer(done));
    for (const bad of [0, -1, 1.5, Number.NaN, "4", null]) {
      expect(() =>
        createWatcher({ providers: [registerStub(fixture, fetch)], maxInFlightPerOrigin: bad as number }),
      ).toThrow(ValidationError);
    }
  });
});

describe("the limit is per origin and per watcher", () => {
  const [first, second] = fixtures as [(typeof fixtures)[number], (typeof fixtures)[number]];

  it("two origins each get their own slots; so do two watchers", async () => {
    const clock = new FakeClock();
    const byOrigin = new Map<string, { now: number; peak: number }>();
    const { fetch, sent } = stubFetch(clock, async (request) => {
      const origin = new URL(request.url).origin;
      const counter = byOrigin.get(origin) ?? { now: 0, peak: 0 };
      byOrigin.set(origin, counter);
      counter.now++;
      counter.peak = Math.max(counter.peak, counter.now);
      await new Promise((resolve) => setImmediate(resolve));
      counter.now--;
      const fixture = request.url.includes(first.path) ? first : second;
      return fixture.progression.at(-1) as never;
    });
    const other = "https://other.provider.example";
    const watcher = createWatcher({
      providers: [registerStub(first, fetch), registerStub(second, fetch, undefined, other)],
      clock,
      maxInFlightPerOrigin: 2,
    });
    const twin = createWatcher({ providers: [registerStub(first, fetch)], clock, maxInFlightPerOrigin: 2 });
    await Promise.all([
      ...Array.from({ length: 20 }, () => watcher.wait(`${BASE}${first.path}`)),
      ...Array.from({ length: 20 }, () => watcher.wait(`${other}${second.path}`)),
      ...Array.from({ length: 20 }, () => twin.wait(`${BASE}${first.path}`)),
    ]);
    expect(sent).toHaveLength(60);
    expect(byOrigin.get(other)?.peak).toBe(2);
    expect(byOrigin.get(BASE)?.peak).toBe(4); // two watchers, two schedulers: 2 each
  });
});

describe("the clock", () => {
  it("is checked: a clock without clearTimeout is a ValidationError, like one without now or setTimeout", () => {
    const fixture = fixtures[0] as (typeof fixtures)[number];
    const { fetch } = stubFetch({ now: Date.now }, () => fixture.running);
    const providers = [registerStub(fixture, fetch)];
    const now = () => 0;
    const setTimeout = () => 1;
    for (const clock of [
      { setTimeout, clearTimeout: () => undefined },
      { now, clearTimeout: () => undefined },
      { now, setTimeout },
    ]) {
      expect(() => createWatcher({ providers, clock: clock as never })).toThrow(ValidationError);
    }
  });

  it("drives every wait on fake time: a wait sleeps on the injected clock, not on wall time", async () => {
    const clock = new FakeClock();
    const fixture = fixtures[0] as (typeof fixtures)[number];
    const { watcher, sent, url } = providerWatcher(fixture, clock, (_r, i) =>
      i < 2 ? fixture.running : (fixture.progression.at(-1) as never),
    );
    const wall = Date.now();
    const waiting = watcher.wait(url, { minDelayMs: 600_000, maxDelayMs: 600_000 });
    await clock.advance(0);
    expect(sent).toHaveLength(1);
    await clock.advance(1_200_000);
    expect((await waiting).state).toBe("succeeded");
    expect(sent.map((r) => r.at - (sent[0]?.at ?? 0))).toEqual([0, 600_000, 1_200_000]);
    expect(Date.now() - wall).toBeLessThan(5_000);
  });
});

describe("sockets on loopback (the default transport)", () => {
  it("300 first polls at once open no more sockets than the per-origin limit", async () => {
    const { createServer } = await import("node:http");
    const fixture = fixtures.find((f) => f.name === "bentley") as (typeof fixtures)[number];
    const done = fixture.progression.at(-1) as { body: unknown; headers?: Record<string, string> };
    let connections = 0;
    let open = 0;
    let peakOpen = 0;
    const server = createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { "content-type": "application/json", ...done.headers });
        res.end(JSON.stringify(done.body));
      }, 2);
    });
    server.on("connection", (socket) => {
      connections++;
      peakOpen = Math.max(peakOpen, ++open);
      socket.on("close", () => open--);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as import("node:net").AddressInfo).port}`;
    try {
      const watcher = createWatcher({ providers: [fixture.register(base)] });
      const finals = await Promise.all(Array.from({ length: 300 }, () => watcher.wait(`${base}${fixture.path}`)));
      expect(finals.every((s) => s.state === "succeeded")).toBe(true);
      expect(peakOpen).toBeLessThanOrEqual(DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN);
      expect(connections).toBeLessThanOrEqual(2 * DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
