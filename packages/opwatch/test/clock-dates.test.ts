// the clock is injectable, so a wait on a fake clock judges the provider's dates by it:
// a Retry-After HTTP date, or a rate-limit reset in epoch seconds, is never polled before, on that clock.
import { describe, expect, it } from "vitest";
import { FakeClock } from "./support/fake-clock.js";
import { createdAt, fixtures, providerWatcher } from "./support/provider-kit.js";

describe.each(fixtures)("$name on an injected clock far from the wall clock", (fixture) => {
  for (const ahead of [-400 * 86_400_000, 400 * 86_400_000]) {
    it(`honours a Retry-After HTTP date (clock ${ahead < 0 ? "behind" : "ahead of"} the wall clock)`, async () => {
      const clock = new FakeClock(Math.floor((Date.now() + ahead) / 1000) * 1000);
      const running = createdAt(fixture, fixture.running, clock.now());
      const date = new Date(clock.now() + 30_000).toUTCString();
      const { watcher, sent, url } = providerWatcher(fixture, clock, (_r, index) =>
        index === 0 ? { ...fixture.throttled, headers: { "Retry-After": date } } : running,
      );
      const first = await watcher.step(url);
      expect(first).toMatchObject({ kind: "pending", reason: "retry-after", delayMs: 30_000 });
      const other = watcher.watch(url).next();
      await clock.advance(29_999);
      expect(sent).toHaveLength(1);
      await clock.advance(1_001);
      expect((await other).value?.state).toBe("running");
    });
  }
});

describe("a rate-limit reset in epoch seconds, on an injected clock", () => {
  const bentleyFixture = fixtures.find((f) => f.name === "bentley") as (typeof fixtures)[number];

  it("holds the waits until that instant of the watcher's clock", async () => {
    const clock = new FakeClock(Date.UTC(2031, 5, 1));
    const reset = String(clock.now() / 1000 + 45);
    const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, (_r, index) =>
      index === 0 ? { ...bentleyFixture.throttled, headers: { "X-RateLimit-Reset": reset } } : bentleyFixture.running,
    );
    const first = await watcher.step(url);
    expect(first).toMatchObject({ kind: "pending", delayMs: 45_000, pushback: { untilMs: clock.now() + 45_000 } });
    expect(sent).toHaveLength(1);
  });
});

describe("a Retry-After longer than setTimeout can hold (2^31 - 1 ms, about 24.8 days)", () => {
  it("sets no timer past the limit and reads again exactly when asked", async () => {
    const fixture = fixtures.find((f) => f.name === "sourcecraft") as (typeof fixtures)[number];
    const clock = new FakeClock();
    const longest: number[] = [];
    const setTimeout = clock.setTimeout;
    clock.setTimeout = (callback, ms) => {
      longest.push(ms);
      return setTimeout(callback, ms);
    };
    const days = 30;
    const { watcher, sent, url } = providerWatcher(fixture, clock, (_r, index) =>
      index === 0
        ? { ...fixture.throttled, headers: { "Retry-After": String(days * 86_400) } }
        : (fixture.progression.at(-1) as never),
    );
    const waiting = watcher.wait(url, { maxWaitMs: 60 * 86_400_000 });
    await clock.advance(0);
    await clock.advance(days * 86_400_000 - 1);
    expect(sent).toHaveLength(1);
    await clock.advance(1);
    expect((await waiting).state).toBe("succeeded");
    expect(sent[1]?.at).toBe((sent[0]?.at ?? 0) + days * 86_400_000);
    expect(Math.max(...longest)).toBeLessThanOrEqual(2_147_483_647);
  });
});
