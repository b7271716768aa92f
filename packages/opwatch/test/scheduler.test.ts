// The watcher's scheduler: one timer for many wake-ups, request slots per origin, shared pushback.
import { describe, expect, it } from "vitest";
import { AbortError, TimeoutError } from "../src/index.js";
import { Scheduler } from "../src/scheduler.js";
import { FakeClock } from "./support/fake-clock.js";
import { bentleyBody, json, OP_URL, stubWatcher } from "./support/provider-kit.js";

describe("Scheduler", () => {
  it("drives many wake-ups with one timer, in time order", async () => {
    const clock = new FakeClock();
    const scheduler = new Scheduler(clock);
    const woke: number[] = [];
    for (const ms of [300, 100, 200, 100, 50]) scheduler.at(clock.now() + ms, () => woke.push(ms));
    expect(clock.timers).toBe(1);
    expect(scheduler.pending).toBe(5);
    await clock.advance(99);
    expect(woke).toEqual([50]);
    await clock.advance(1);
    expect(woke).toEqual([50, 100, 100]);
    await clock.advance(200);
    expect(woke).toEqual([50, 100, 100, 200, 300]);
    expect(clock.timers).toBe(0);
    expect(scheduler.pending).toBe(0);
  });

  it("a cancelled wake-up leaves no entry and no timer behind", async () => {
    const clock = new FakeClock();
    const scheduler = new Scheduler(clock);
    const entry = scheduler.at(clock.now() + 60_000, () => expect.unreachable());
    expect(clock.timers).toBe(1);
    scheduler.cancel(entry);
    expect(scheduler.pending).toBe(0);
    expect(clock.timers).toBe(0);
    await clock.advance(60_000);
  });

  it("hands out at most maxInFlight slots per origin, first come first served, skipping who gave up", () => {
    const scheduler = new Scheduler(new FakeClock(), 2);
    expect(scheduler.slots.take("https://a")).toBe(true);
    expect(scheduler.slots.take("https://a")).toBe(true);
    expect(scheduler.slots.take("https://b")).toBe(true);
    expect(scheduler.slots.take("https://a")).toBe(false);
    const order: number[] = [];
    const waiter = (n: number) => ({
      cancelled: false,
      admit() {
        order.push(n);
        return true;
      },
    });
    const gaveUp = { ...waiter(2), cancelled: true };
    scheduler.slots.enqueue("https://a", waiter(1));
    scheduler.slots.enqueue("https://a", gaveUp);
    scheduler.slots.enqueue("https://a", waiter(3));
    expect(order).toEqual([]);
    scheduler.release("https://a");
    scheduler.release("https://a");
    // Each release passed its slot on: still two in flight (1 and 3), the queue empty.
    expect(order).toEqual([1, 3]);
    expect(scheduler.slots.take("https://a")).toBe(false);
    scheduler.release("https://a");
    // Nobody queued: the slot is free again, and only that one.
    expect(scheduler.slots.take("https://a")).toBe(true);
    expect(scheduler.slots.take("https://a")).toBe(false);
    expect(order).toEqual([1, 3]);
  });
});

describe("a watcher's waits share the scheduler", () => {
  it("admits first polls through the per-origin limit: 200 waits, never more than 4 requests in flight", async () => {
    const clock = new FakeClock();
    let inFlight = 0;
    let peak = 0;
    const { watcher, requests } = stubWatcher(
      clock,
      async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((resolve) => setImmediate(resolve));
        inFlight--;
        return json(bentleyBody("Succeeded", 100, new Date(clock.now())));
      },
      { maxInFlightPerOrigin: 4 },
    );
    const events: string[] = [];
    const waits = Array.from({ length: 200 }, () =>
      watcher.wait(OP_URL, { onEvent: (e) => e.type === "scheduled" && events.push(e.reason) }),
    );
    const results = await Promise.all(waits);
    expect(results.every((s) => s.state === "succeeded")).toBe(true);
    expect(requests).toHaveLength(200);
    expect(peak).toBe(4);
    expect(events.filter((reason) => reason === "admission")).toHaveLength(196);
  });

  it("500 sleeping waits hold one timer, and none once they are aborted", async () => {
    const clock = new FakeClock();
    const { watcher, requests } = stubWatcher(clock, () => json(bentleyBody("Started", null, new Date(clock.now()))));
    const controller = new AbortController();
    const waits = Array.from({ length: 500 }, () =>
      watcher.wait(OP_URL, { signal: controller.signal }).catch((e) => e),
    );
    await clock.advance(0);
    expect(requests).toHaveLength(500);
    expect(clock.timers).toBe(1);
    controller.abort();
    const errors = await Promise.all(waits);
    expect(errors.every((e) => e instanceof AbortError)).toBe(true);
    expect(clock.timers).toBe(0);
  });

  it("a 429 seen by one wait delays every wait to that origin until it passes", async () => {
    const clock = new FakeClock();
    const created = new Date(clock.now());
    const { watcher, requests } = stubWatcher(clock, (_request, index) =>
      index === 1
        ? json(JSON.stringify({ error: { code: "RateLimitExceeded", message: "slow down" } }), 429, {
            "retry-after": "20",
          })
        : json(bentleyBody("Started", null, created)),
    );
    const retries: unknown[] = [];
    const a = watcher.watch(OP_URL, { onRetry: (error) => retries.push(error) });
    const bRetries: [string, number][] = [];
    const b = watcher.watch(OP_URL, { onRetry: (error, delayMs) => bRetries.push([error.name, delayMs]) });
    await a.next(); // request 0: running
    const bFirst = b.next(); // request 1: 429, Retry-After 20 s
    await clock.advance(0);
    expect(requests).toHaveLength(2);
    expect(watcher.pushbackKey(OP_URL)).toBe("bentley@https://api.bentley.com");
    // Wait a would poll again within a few seconds; the pushback holds it (and b) for 20 s.
    await clock.advance(19_900);
    expect(requests).toHaveLength(2);
    await clock.advance(2_000);
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.slice(2).every((r) => r.at >= (requests[1]?.at ?? 0) + 20_000)).toBe(true);
    expect(retries).toHaveLength(0);
    expect(bRetries).toEqual([["RateLimitError", 20_000]]);
    expect((await bFirst).value?.state).toBe("running");
    await a.return?.(undefined);
    await b.return?.(undefined);
  });

  it("a wait queued for a slot ends at once on abort, with TimeoutError at its deadline, and the queue skips it", async () => {
    const clock = new FakeClock();
    let answerFirst: (response: Response) => void = () => undefined;
    const { watcher, requests } = stubWatcher(
      clock,
      (_request, index) =>
        index === 0
          ? new Promise<Response>((resolve) => {
              answerFirst = resolve;
            })
          : json(bentleyBody("Succeeded", 100, new Date(clock.now()))),
      { maxInFlightPerOrigin: 1 },
    );
    const first = watcher.wait(OP_URL);
    const controller = new AbortController();
    const aborted = watcher.wait(OP_URL, { signal: controller.signal }).catch((e: unknown) => e);
    const late = watcher.wait(OP_URL, { maxWaitMs: 5_000 }).catch((e: unknown) => e);
    const last = watcher.wait(OP_URL);
    await clock.advance(0);
    expect(requests).toHaveLength(1);
    controller.abort();
    expect(await aborted).toBeInstanceOf(AbortError);
    await clock.advance(5_000);
    const timedOut = await late;
    expect(timedOut).toBeInstanceOf(TimeoutError);
    expect((timedOut as Error).message).toContain("not done after 5 s");
    answerFirst(json(bentleyBody("Succeeded", 100, new Date(clock.now()))));
    expect((await first).state).toBe("succeeded");
    expect((await last).state).toBe("succeeded");
    expect(requests).toHaveLength(2);
    expect(clock.timers).toBe(0);
  });

  it("a callback that throws ends its wait with that error and gives its request slot back", async () => {
    const clock = new FakeClock();
    const { watcher, requests } = stubWatcher(clock, () => json(bentleyBody("Started", 10, new Date(clock.now()))), {
      maxInFlightPerOrigin: 1,
    });
    const broken = new Error("display crashed");
    const failing = watcher
      .wait(OP_URL, {
        onProgress: () => {
          throw broken;
        },
      })
      .catch((e: unknown) => e);
    const other = watcher.watch(OP_URL);
    expect(await failing).toBe(broken);
    expect((await other.next()).value?.state).toBe("running");
    expect(requests).toHaveLength(2);
    await other.return?.(undefined);
  });
});
