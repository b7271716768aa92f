// Pacing: the progress rate gives an estimated end to poll near; without progress, the operation's age
// sets the interval; a change alone never collapses it to the floor.
import { describe, expect, it } from "vitest";
import type { OperationStatus } from "../src/index.js";
import { FakeClock } from "./support/fake-clock.js";
import { bentleyBody, json, OP_URL, stubWatcher } from "./support/stub.js";

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
