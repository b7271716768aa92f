// The fake-clock pacing table: requests and detection lag of opwatch's poller against a fixed 2 s poller
// (Azure core-lro's default) and an AWS-waiter-style 2–120 s jittered backoff. Every trial draws the
// operation's duration in [0.9 T, 1.1 T] (nobody knows T exactly); medians over the trials.
import { pollUntilDone } from "opwatch";
import { median } from "./stats.mjs";

/** A deterministic PRNG (mulberry32), so two runs print the same table. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A clock the simulation drives: time jumps to the next timer. */
class SimClock {
  time = 0;
  timers = [];
  next = 1;
  now = () => this.time;
  setTimeout = (callback, ms) => {
    const id = this.next++;
    this.timers.push({ id, at: this.time + Math.max(0, ms), callback });
    return id;
  };
  clearTimeout = (id) => {
    this.timers = this.timers.filter((t) => t.id !== id);
  };
  async run(promise) {
    let settled = false;
    promise.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (;;) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return promise;
      this.timers.sort((a, b) => a.at - b.at);
      const timer = this.timers.shift();
      if (!timer) throw new Error("simulation stalled");
      this.time = Math.max(this.time, timer.at);
      timer.callback();
    }
  }
}

const status = (done, progress, createdAt) => ({
  provider: "bench",
  id: "op",
  ref: { provider: "bench", endpoint: "op", params: {}, baseUrl: "https://bench.test" },
  state: done ? "succeeded" : "running",
  done,
  rawStatus: done ? "Succeeded" : "Started",
  progress,
  createdAt,
  updatedAt: undefined,
  error: undefined,
  resultUrl: undefined,
  raw: undefined,
});

/** One opwatch wait on the simulated clock; returns [requests, lag ms]. */
async function opwatchTrial(durationMs, withProgress, random, options) {
  const clock = new SimClock();
  const createdAt = new Date(0);
  const reads = [];
  const read = async () => {
    const t = clock.now();
    reads.push(t);
    const done = t >= durationMs;
    // Integer percent, as Bentley's percentComplete usually is.
    const progress = withProgress ? Math.min(1, Math.floor((100 * t) / durationMs) / 100) : undefined;
    return { status: status(done, done && withProgress ? 1 : progress, createdAt) };
  };
  await clock.run(pollUntilDone(read, "bench", { clock, random, maxWaitMs: 24 * 3_600_000, ...options }));
  return [reads.length, (reads.at(-1) ?? 0) - durationMs];
}

function fixedTrial(durationMs, intervalMs) {
  let t = 0;
  let requests = 1;
  while (t < durationMs) {
    t += intervalMs;
    requests++;
  }
  return [requests, t - durationMs];
}

/** smithy-style waiter: first poll at once, then attempt n waits a random time in [min, min·2^(n-1)],
 * the maximum once that exceeds it. */
function awsTrial(durationMs, random, minMs = 2_000, maxMs = 120_000) {
  const ceiling = Math.log(maxMs / minMs) / Math.log(2) + 1;
  let t = 0;
  let requests = 1;
  for (let attempt = 1; t < durationMs; attempt++) {
    const delay = attempt > ceiling ? maxMs : minMs + (Math.min(maxMs, minMs * 2 ** (attempt - 1)) - minMs) * random();
    t += delay;
    requests++;
  }
  return [requests, t - durationMs];
}

/** The durations the table reports, in seconds. */
export const HORIZONS = [3, 5, 10, 30, 60, 120, 300];

/** Every duration checked for domination, in seconds: 2–600 s, every 0.5 s to 30 s, every 2 s to 120 s,
 * every 10 s to 600 s (the table's durations are among them). */
export const GRID = [
  ...Array.from({ length: 56 }, (_, i) => 2 + i / 2),
  ...Array.from({ length: 45 }, (_, i) => 30 + 2 * i),
  ...Array.from({ length: 49 }, (_, i) => 120 + 10 * i),
];

/** Rows of { T, progress, strategy, requests, lagMs } (medians over `trials`). */
export async function pacingTable({ trials = 100, horizons = HORIZONS, options = {} } = {}) {
  const rows = [];
  for (const withProgress of [false, true]) {
    for (const T of horizons) {
      const durations = Array.from({ length: trials }, (_, i) => T * 1000 * (0.9 + 0.2 * prng(1000 + i)()));
      const results = { opwatch: [], "fixed 2 s": [], "AWS 2–120 s": [] };
      for (let i = 0; i < trials; i++) {
        const duration = durations[i];
        results.opwatch.push(await opwatchTrial(duration, withProgress, prng(7 + i), options));
        results["fixed 2 s"].push(fixedTrial(duration, 2_000));
        results["AWS 2–120 s"].push(awsTrial(duration, prng(99 + i)));
      }
      for (const [strategy, list] of Object.entries(results)) {
        rows.push({
          T,
          progress: withProgress,
          strategy,
          requests: median(list.map(([r]) => r)),
          lagMs: median(list.map(([, lag]) => lag)),
        });
      }
    }
  }
  return rows;
}

/** True when `other` is at least as good on both and better on one. */
export function dominates(other, mine) {
  return (
    other.requests <= mine.requests &&
    other.lagMs <= mine.lagMs &&
    (other.requests < mine.requests || other.lagMs < mine.lagMs)
  );
}

/** Prints the pacing table; returns what failed (opwatch dominated, or a progress target missed). */
export async function pacingSection() {
  const failures = [];
  const rows = await pacingTable();
  console.log("pacing on a fake clock: median requests / detection lag over 100 trials (duration 0.9–1.1 T)");
  for (const progress of [false, true]) {
    console.log(`  ${progress ? "with progress (integer percent)" : "without progress"}`);
    for (const T of HORIZONS) {
      const here = rows.filter((r) => r.T === T && r.progress === progress);
      const mine = here.find((r) => r.strategy === "opwatch");
      const cells = here.map(
        (r) => `${r.strategy} ${String(r.requests).padStart(3)} / ${(r.lagMs / 1000).toFixed(1).padStart(4)} s`,
      );
      const beaten = here.filter((r) => r !== mine && dominates(r, mine)).map((r) => r.strategy);
      console.log(
        `    T = ${String(T).padStart(3)} s   ${cells.join("   ")}   ${beaten.length ? `DOMINATED by ${beaten.join(", ")}` : "not dominated"}`,
      );
      if (beaten.length) failures.push(`pacing ${progress ? "with" : "without"} progress dominated at T = ${T} s`);
    }
  }
  // Every duration of the grid, not only the table's: a fixed poller can win a band between two of them.
  const grid = await pacingTable({ horizons: GRID });
  const dominated = [];
  for (const progress of [false, true]) {
    for (const T of GRID) {
      const here = grid.filter((r) => r.T === T && r.progress === progress);
      const mine = here.find((r) => r.strategy === "opwatch");
      for (const r of here) {
        if (r !== mine && dominates(r, mine))
          dominated.push(`${T} s ${progress ? "with" : "without"} progress by ${r.strategy}`);
      }
    }
  }
  console.log(
    `  every T from 2 s to 600 s (${GRID.length} durations, with and without progress): ${dominated.length ? `DOMINATED at ${dominated.join(", ")}` : "never dominated"}`,
  );
  if (dominated.length) failures.push(`pacing dominated at ${dominated.length} grid durations`);
  const at = (T) => rows.find((r) => r.progress && r.T === T && r.strategy === "opwatch");
  const [p30, p300] = [at(30), at(300)];
  console.log(
    `  targets with progress: ≤ 8 requests at 30 s (now ${p30.requests}), ≤ 15 at 300 s (now ${p300.requests}); lag ≤ 1.5 s (now ${(p30.lagMs / 1000).toFixed(1)}) and ≤ 2 s (now ${(p300.lagMs / 1000).toFixed(1)})\n`,
  );
  if (p30.requests > 8 || p300.requests > 15) failures.push("pacing: a progress target missed");
  return failures;
}
