// One load run in a fresh process: N concurrent waits on operations of 1–10 s (each created when first
// polled) against the loopback server, floor 0.5 s and cap 15 s; prints peak RSS, event-loop delay, errors
// and time as JSON. Both clients start their waits 1,000 per turn of the event loop, as an app that takes
// them from a queue would: the delay measured is the waits', not one loop starting 100,000 of them.
// argv: <base URL> <waits> <opwatch|opwatch/fetch|hand-rolled>
import { monitorEventLoopDelay } from "node:perf_hooks";
import { bentley } from "@opwatch/bentley";
import { createWatcher, register } from "opwatch";
import { failureBackoff } from "opwatch/internal";

const [base, countArg, mode] = process.argv.slice(2);
const count = Number(countArg);
const FLOOR = 500;
const CAP = 15_000;
const durations = Array.from({ length: count }, (_, i) => 1000 + ((i * 7919) % 9001));
const path = (i) => `/schedules/bench/operations/op${i}-${durations[i]}`;

const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
let peakRss = 0;
let peakHeap = 0;
const sample = () => {
  const memory = process.memoryUsage();
  peakRss = Math.max(peakRss, memory.rss);
  peakHeap = Math.max(peakHeap, memory.heapUsed);
};
sample();
const baseRss = peakRss;
const sampler = setInterval(sample, 100);
const started = Date.now();
let errors = 0;
let firstError;
const fail = (error) => {
  errors++;
  firstError ??= String(error?.message ?? error);
};
// An app handles each final status as it comes and keeps none: like the hand-rolled loop, whose waits
// resolve with nothing (Promise.all would otherwise hold 10,000 final statuses to the end).
const drop = () => undefined;
/** Runs `start(i)` for every wait, 1,000 per turn of the event loop; resolves when all have ended. */
const startAll = async (start) => {
  const all = [];
  for (let i = 0; i < count; i++) {
    all.push(start(i));
    if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(all);
};

if (mode === "opwatch" || mode === "opwatch/fetch") {
  const fetchOption = mode === "opwatch/fetch" ? { fetch } : {};
  const watcher = createWatcher({
    providers: [register(bentley, { token: "bench-token-0123456789", baseUrl: base, ...fetchOption })],
    polling: { minDelayMs: FLOOR, maxDelayMs: CAP },
  });
  await startAll((i) =>
    watcher
      .wait({
        provider: "bentley",
        endpoint: "getScheduleOperation",
        baseUrl: base,
        params: { scheduleId: "bench", operationId: `op${i}-${durations[i]}` },
      })
      .then(drop, fail),
  );
} else {
  // What an app writes by hand: fetch, json, the old poller's backoff (restarting on a change), a timer each.
  const one = async (i) => {
    let last;
    let attempt = 0;
    for (;;) {
      const response = await fetch(`${base}${path(i)}`, {
        headers: {
          authorization: "Bearer bench-token-0123456789",
          accept: "application/vnd.bentley.itwin-platform.v1+json",
        },
      });
      const body = await response.json();
      const status = body.operation.status;
      if (status === "Succeeded") return;
      if (status !== last) attempt = 0;
      else attempt++;
      last = status;
      await new Promise((resolve) =>
        setTimeout(resolve, failureBackoff(attempt, { minDelayMs: FLOOR, maxDelayMs: CAP })),
      );
    }
  };
  await startAll((i) => one(i).catch(fail));
}

clearInterval(sampler);
loop.disable();
sample();
process.stdout.write(
  `${JSON.stringify({
    mode,
    waits: count,
    seconds: (Date.now() - started) / 1000,
    peakRssMb: Math.round(Math.max(peakRss, process.resourceUsage().maxRSS * 1024) / 1e6),
    startRssMb: Math.round(baseRss / 1e6),
    peakHeapMb: Math.round(peakHeap / 1e6),
    loopP99Ms: Math.round(loop.percentile(99) / 1e6),
    loopMaxMs: Math.round(loop.max / 1e6),
    errors,
    firstError,
  })}\n`,
);
