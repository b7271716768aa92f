// Pacing in waits, watches and steps: pacing from progress (estimated end, a bounded fraction of the remaining time,
// no collapse to the floor on a change), defaults without progress that a fixed 2 s poller and an AWS-style
// 2–120 s waiter do not beat on both requests and lag, and the operation's age when a ref is resumed.
import { describe, expect, it } from "vitest";
import type { OperationStatus } from "../src/index.js";
import { FakeClock } from "./support/fake-clock.js";
import {
  bentleyBody,
  createdAt,
  fixtures,
  json,
  OP_URL,
  percent,
  providerWatcher,
  type Sent,
  stubWatcher,
} from "./support/provider-kit.js";

const bentleyFixture = fixtures.find((f) => f.name === "bentley") as (typeof fixtures)[number];
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const gaps = (sent: Sent[]) => sent.slice(1).map((r, i) => r.at - (sent[i]?.at ?? 0));
/** A seeded random source (xorshift), so every run is the same. */
const seeded = (seed: number) => {
  let x = seed || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
};

/** One Bentley wait on a fake clock for an operation of `durationMs`; `progress(t)` in percent or null. */
async function trial(durationMs: number, progress: (t: number) => number | null, random: () => number) {
  const clock = new FakeClock();
  const start = clock.now();
  const done = bentleyFixture.progression.at(-1) as never;
  const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, () => {
    const t = clock.now() - start;
    if (t >= durationMs) return createdAt(bentleyFixture, done, start);
    return createdAt(bentleyFixture, percent(bentleyFixture.running, progress(t)), start);
  });
  await clock.jump(watcher.wait(url, { random }));
  return { requests: sent.length, lag: (sent.at(-1)?.at ?? 0) - start - durationMs, sent };
}

describe("pacing with progress (Bentley percentComplete)", () => {
  for (const [T, maxRequests, maxLag] of [
    [30_000, 8, 1_500],
    [300_000, 15, 2_000],
  ] as const) {
    it(`a ${T / 1000} s operation: at most ${maxRequests} requests and a median lag within ${maxLag} ms`, async () => {
      const results = [];
      // One generator across the trials (a fresh one per trial would give each the same first draw).
      const draw = seeded(100);
      for (let i = 0; i < 15; i++) {
        const duration = T * (0.9 + 0.2 * draw());
        const jitter = seeded(7 + i);
        for (let skip = 0; skip < 4; skip++) jitter();
        results.push(await trial(duration, (t) => Math.floor((100 * t) / duration), jitter));
      }
      expect(median(results.map((r) => r.requests))).toBeLessThanOrEqual(maxRequests);
      expect(median(results.map((r) => r.lag))).toBeLessThanOrEqual(maxLag);
      // Progress changes at every read, and still the interval is never driven to the floor throughout.
      for (const { sent } of results) expect(Math.max(...gaps(sent))).toBeGreaterThan(T / 10);
    });
  }

  it("progress that goes backwards, jumps to 100 before done, or goes missing: ends, never polls below the floor", async () => {
    const shapes: [string, (t: number) => number | null][] = [
      ["backwards", (t) => (t < 20_000 ? Math.floor(t / 400) : 10)],
      ["100 before done", (t) => (t < 10_000 ? Math.floor(t / 200) : 100)],
      ["missing then back", (t) => (t < 10_000 || t > 25_000 ? Math.floor(t / 400) : null)],
      ["stuck at 0", () => 0],
    ];
    for (const [name, shape] of shapes) {
      const { sent, lag } = await trial(40_000, shape, seeded(3));
      for (const gap of gaps(sent)) expect(gap, name).toBeGreaterThanOrEqual(1_000);
      for (const gap of gaps(sent)) expect(gap, name).toBeLessThanOrEqual(60_000);
      expect(sent.length, name).toBeLessThan(30);
      // Backwards (50 % → 10 % at 20 s) re-estimates a slow operation: the next read may be up to the cap away.
      expect(lag, name).toBeLessThan(name === "backwards" ? 60_000 : 15_000);
    }
  });
});

describe("pacing without progress: the defaults", () => {
  const fixed = (T: number) => {
    let t = 0;
    let requests = 1;
    for (; t < T; requests++) t += 2_000;
    return { requests, lag: t - T };
  };
  const aws = (T: number, random: () => number) => {
    let t = 0;
    let requests = 1;
    for (let n = 1; t < T; n++, requests++) t += 2_000 + (Math.min(120_000, 2_000 * 2 ** (n - 1)) - 2_000) * random();
    return { requests, lag: t - T };
  };
  for (const T of [3_000, 30_000, 300_000]) {
    it(`at T = ${T / 1000} s neither a fixed 2 s poller nor an AWS-style waiter beats them on both`, async () => {
      const mine: { requests: number; lag: number }[] = [];
      const theirs: Record<string, { requests: number; lag: number }[]> = { fixed: [], aws: [] };
      for (let i = 0; i < 25; i++) {
        const duration = T * (0.9 + 0.2 * seeded(500 + i)());
        mine.push(await trial(duration, () => null, seeded(11 + i)));
        theirs.fixed?.push(fixed(duration));
        theirs.aws?.push(aws(duration, seeded(77 + i)));
      }
      const m = { requests: median(mine.map((r) => r.requests)), lag: median(mine.map((r) => r.lag)) };
      for (const [name, list] of Object.entries(theirs)) {
        const o = { requests: median(list.map((r) => r.requests)), lag: median(list.map((r) => r.lag)) };
        const dominated = o.requests <= m.requests && o.lag <= m.lag && (o.requests < m.requests || o.lag < m.lag);
        expect(dominated, `${name} ${JSON.stringify(o)} vs opwatch ${JSON.stringify(m)}`).toBe(false);
      }
    });
  }
});

describe.each(fixtures)("$name: a resumed ref is paced by the operation's age (createdAt)", (fixture) => {
  const secondPollAfter = async (ageMs: number) => {
    const clock = new FakeClock();
    // Without progress (Bentley's percentComplete null): the age alone sets the pace.
    const quiet = fixture.name === "bentley" ? percent(fixture.running, null) : fixture.running;
    const running = createdAt(fixture, quiet, clock.now() - ageMs);
    const { watcher, sent, url } = providerWatcher(fixture, clock, () => running);
    const controller = new AbortController();
    const waiting = watcher.wait(url, { random: () => 0.5, signal: controller.signal }).catch((e: unknown) => e);
    await clock.advance(0);
    await clock.advance((clock.nextTimer() ?? clock.now()) - clock.now());
    controller.abort();
    await waiting;
    expect(clock.timers).toBe(0);
    return (sent[1]?.at ?? Number.NaN) - (sent[0]?.at ?? 0);
  };

  it("an hour-old operation is polled at the cap (spread below it), a new one once it is five floors old", async () => {
    expect(await secondPollAfter(3_600_000)).toBe(51_000); // the cap, less 0.3 × 0.5 of it
    expect(await secondPollAfter(0)).toBe(5_000);
    expect(await secondPollAfter(3_000)).toBe(2_000);
    expect(await secondPollAfter(100_000)).toBe(20_200); // 1 s + 0.1 × (100 s + the 92 s past 8 s)
  });

  it("a createdAt in the future (clock skew) or decades ago is no reason to poll early or never", async () => {
    expect(await secondPollAfter(-86_400_000)).toBe(5_000); // counted as new
    expect(await secondPollAfter(40 * 365 * 86_400_000)).toBe(51_000);
  });
});

describe("wait, watch and a queue of steps pace alike (the step is the unit)", () => {
  const T = 30_000;
  for (const withProgress of [true, false]) {
    it(`the same reads at the same instants ${withProgress ? "with" : "without"} progress`, async () => {
      const timeline = async (drive: "wait" | "watch" | "step") => {
        const clock = new FakeClock();
        const start = clock.now();
        const done = bentleyFixture.progression.at(-1) as never;
        const { watcher, sent, url } = providerWatcher(bentleyFixture, clock, () => {
          const t = clock.now() - start;
          if (t >= T) return createdAt(bentleyFixture, done, start);
          const value = withProgress ? Math.floor((100 * t) / T) : null;
          return createdAt(bentleyFixture, percent(bentleyFixture.running, value), start);
        });
        const random = () => 0.3;
        if (drive === "wait") await clock.jump(watcher.wait(url, { random }));
        if (drive === "watch") {
          await clock.jump(
            (async () => {
              for await (const _ of watcher.watch(url, { random }));
            })(),
          );
        }
        if (drive === "step") {
          let outcome = await watcher.step(url, undefined, { random });
          while (outcome.kind === "pending") {
            await clock.advance(outcome.delayMs);
            outcome = await watcher.step(url, JSON.parse(JSON.stringify(outcome.state)), { random });
          }
          expect(outcome.kind).toBe("done");
        }
        return sent.map((r) => r.at - start);
      };
      const waited = await timeline("wait");
      expect(await timeline("watch")).toEqual(waited);
      expect(await timeline("step")).toEqual(waited);
    });
  }
});

const half = () => 0.5;

describe("pacing in a wait (fake clock)", () => {
  it("a progress-reporting 30 s operation takes few requests and is seen done within a second and a half", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const T = 30_000;
    const { watcher, requests } = stubWatcher(clock, () => {
      const elapsed = clock.now() - start;
      const percent = Math.min(100, Math.floor((100 * elapsed) / T));
      return json(bentleyBody(elapsed >= T ? "Succeeded" : "Started", percent, new Date(start)));
    });
    const seen: OperationStatus[] = [];
    const { value, error } = await clock.run(watcher.wait(OP_URL, { onProgress: (s) => seen.push(s) }));
    expect(error).toBeUndefined();
    expect(value?.state).toBe("succeeded");
    expect(requests.length).toBeLessThanOrEqual(8);
    expect((requests.at(-1)?.at ?? 0) - start - T).toBeLessThanOrEqual(1500);
    // Progress changed at every read, and the interval still grew far past the floor.
    const gaps = requests.slice(1).map((r, i) => r.at - (requests[i]?.at ?? 0));
    expect(Math.max(...gaps)).toBeGreaterThan(5_000);
    expect(seen.length).toBe(requests.length);
  });

  it("a resumed ref is paced by the operation's age (createdAt), not by the new wait's", async () => {
    const clock = new FakeClock();
    const created = new Date(clock.now() - 3_600_000); // an hour old
    const { watcher, requests } = stubWatcher(clock, () => json(bentleyBody("Started", null, created)));
    const controller = new AbortController();
    const iterator = watcher.watch(OP_URL, { random: half, signal: controller.signal });
    await iterator.next();
    const second = iterator.next(); // the iterator sleeps only once asked for more
    await clock.advance(50_000);
    expect(requests).toHaveLength(1); // an hour-old operation is polled near the cap, not after 1 s
    await clock.advance(1_000); // the cap spread below it: 60 s × (1 − 0.3 × 0.5)
    expect(requests).toHaveLength(2);
    controller.abort();
    await expect(second).rejects.toThrow(/aborted/);
    expect(clock.timers).toBe(0);
  });

  it("a change of status alone does not reset the interval to the floor", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const created = new Date(start - 600_000); // ten minutes old, no progress reported
    let n = 0;
    const { watcher, requests } = stubWatcher(clock, () =>
      json(bentleyBody(n++ % 2 ? "Started" : "Queued", null, created)),
    );
    const iterator = watcher.watch(OP_URL, { random: half });
    for (let i = 0; i < 4; i++) {
      const next = iterator.next();
      await clock.advance(61_000);
      await next;
    }
    const gaps = requests.slice(1).map((r, i) => r.at - (requests[i]?.at ?? 0));
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(60_000 * 0.7); // the cap and its spread
    await iterator.return?.(undefined);
  });
});
