// a rate-limit reset seen by one wait (the budget spent: remaining 0) delays
// every wait to that origin and credential, even on a 200.
import type { ScriptStep } from "@opwatch/testkit";
import { describe, expect, it } from "vitest";
import { FakeClock } from "./support/fake-clock.js";
import { createdAt, fixtures, providerWatcher } from "./support/provider-kit.js";

describe("rate-limit reset on a 200 (Bentley)", () => {
  const bentleyFixture = fixtures.find((f) => f.name === "bentley") as (typeof fixtures)[number];

  for (const [name, headers] of [
    ["X-RateLimit-Remaining: 0", { "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "30" }],
    ["RateLimit-Remaining: 0", { "RateLimit-Remaining": "0", "RateLimit-Reset": "30" }],
    ["RateLimit r=0", { RateLimit: '"default";r=0;t=30' }],
  ] as const) {
    it(`a rate-limit reset on a 200 (${name}) holds every wait with that key until the budget resets`, async () => {
      const clock = new FakeClock();
      const running = createdAt(bentleyFixture, bentleyFixture.running, clock.now());
      const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, (_r, index) =>
        index === 0 ? { ...running, headers } : running,
      );
      const first = await watcher.step(url);
      expect(first).toMatchObject({
        kind: "pending",
        reason: "retry-after",
        delayMs: 30_000,
        pushback: { key: "bentley@https://ops.provider.example", untilMs: clock.now() + 30_000 },
      });
      const other = await watcher.step(url);
      expect(other).toMatchObject({ kind: "pending", reason: "pushback" });
      expect(sent).toHaveLength(1);
      const b = watcher.watch(url).next();
      await clock.advance(29_999);
      expect(sent).toHaveLength(1);
      await clock.advance(1_001);
      expect((await b).value?.state).toBe("running");
    });
  }

  it("a rate-limit reset on a terminal answer holds the other operations of the key too", async () => {
    const clock = new FakeClock();
    const done = createdAt(bentleyFixture, bentleyFixture.progression.at(-1) as ScriptStep, clock.now());
    const running = createdAt(bentleyFixture, bentleyFixture.running, clock.now());
    const headers = { "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "60" };
    const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, (_r, index) =>
      index === 0 ? { ...done, headers } : running,
    );
    const other = url.replace(/[^/]+$/, "0f4d2c1b-7a6e-4b3c-9d8e-2f1a0b9c8d7e");
    expect(await watcher.step(url)).toMatchObject({ kind: "done" });
    expect(await watcher.step(other)).toMatchObject({
      kind: "pending",
      reason: "pushback",
      pushback: { key: "bentley@https://ops.provider.example", untilMs: clock.now() + 60_000 },
    });
    expect(sent).toHaveLength(1);
  });

  it("a rate-limit reset on a 200 while budget remains holds no one", async () => {
    const clock = new FakeClock();
    const running = createdAt(bentleyFixture, bentleyFixture.running, clock.now());
    const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, () => ({
      ...running,
      headers: { "X-RateLimit-Remaining": "5", "X-RateLimit-Reset": "30" },
    }));
    expect(await watcher.step(url)).toMatchObject({ kind: "pending", reason: "pacing" });
    expect(await watcher.step(url)).toMatchObject({ kind: "pending", reason: "pacing" });
    expect(sent).toHaveLength(2);
  });

  it("two credentials on the same origin (two watchers): one's 429 does not hold the other", async () => {
    const clock = new FakeClock();
    const running = createdAt(bentleyFixture, bentleyFixture.running, clock.now());
    const limited = providerWatcher(bentleyFixture, clock, () => ({
      ...bentleyFixture.throttled,
      headers: { "Retry-After": "60" },
    }));
    const free = providerWatcher(bentleyFixture, clock, () => running, { token: "tok_second_credential_77" });
    expect(await limited.watcher.step(limited.url)).toMatchObject({ kind: "pending", reason: "retry-after" });
    expect(await free.watcher.step(free.url)).toMatchObject({ kind: "pending", reason: "pacing", changed: true });
    expect(free.sent).toHaveLength(1);
    expect(free.sent[0]?.headers.get("authorization")).toBe("Bearer tok_second_credential_77");
  });

  it("a wait that ends on the pushback it saw (deadline, failure budget) still holds the others", async () => {
    for (const ending of [{ maxWaitMs: 10_000 }, { maxConsecutiveFailures: 1 }]) {
      const clock = new FakeClock();
      const running = createdAt(bentleyFixture, bentleyFixture.running, clock.now());
      const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, (_r, index) =>
        index === 0 ? { ...bentleyFixture.throttled, headers: { "Retry-After": "30" } } : running,
      );
      const first = await watcher.step(url, undefined, ending);
      expect(first.kind, JSON.stringify(ending)).toBe("error");
      const other = await watcher.step(url);
      expect(other, JSON.stringify(ending)).toMatchObject({
        kind: "pending",
        reason: "pushback",
        pushback: { untilMs: clock.now() + 30_000 },
      });
      expect(sent).toHaveLength(1);
    }
  });
});

describe("an error step outcome carries the pushback its answer recorded", () => {
  const bentleyFixture = fixtures.find((f) => f.name === "bentley") as (typeof fixtures)[number];

  it("a step that ends on a 429 (deadline, failure budget) says until when the key is held", async () => {
    for (const ending of [{ maxWaitMs: 10_000 }, { maxConsecutiveFailures: 1 }]) {
      const clock = new FakeClock();
      const { watcher, url } = providerWatcher(bentleyFixture, clock, () => ({
        ...bentleyFixture.throttled,
        headers: { "Retry-After": "30" },
      }));
      expect(await watcher.step(url, undefined, ending), JSON.stringify(ending)).toMatchObject({
        kind: "error",
        pushback: { key: watcher.pushbackKey(url), untilMs: clock.now() + 30_000 },
      });
    }
  });

  it("a permanent error with no pushback has none", async () => {
    const clock = new FakeClock();
    const { watcher, url } = providerWatcher(bentleyFixture, clock, () => bentleyFixture.unauthorized);
    const outcome = await watcher.step(url);
    expect(outcome.kind).toBe("error");
    expect(outcome).not.toHaveProperty("pushback");
  });
});
