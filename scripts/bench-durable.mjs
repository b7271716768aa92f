#!/usr/bin/env node
// @ts-check
// Durable waits vs the in-process watcher, side by side on the same work (part of `pnpm bench`):
// N operations (default 2,000) of 2–4 reads each against a loopback stand-in in a process of its own,
//   a. enqueued in Postgres (a local one, from npm) and polled by 1, 2, then 4 worker processes;
//   b. waited on by one process with `watcher.wait()`.
// Reported: polls per second and the ratio to in-process; CPU per poll of Postgres (its processes' own
// counters, Linux) and of Node (the workers'); rows, WAL and table bytes per wait and WAL per step
// (Postgres's counters); onOutcome's rate over the recorded outcomes; then the fault-and-scale run
// (worker SIGKILLs, a Postgres crash, racing enqueues, contention, cursors) and its failures.
// The targets are printed beside each figure (ratios and per-poll costs measured in this run).
//   node scripts/bench-durable.mjs [--waits 2000] [--concurrency 16] [--workers 1,2,4] [--fault-waits 600]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createDurableWatcher } from "@opwatch/durable";
import { startLocalPostgres } from "@opwatch/durable/local-postgres";
import { sourcecraft } from "@opwatch/sourcecraft";
import { createWatcher, register } from "opwatch";
import { postgresCounters, postgresCpuMs } from "./lib/postgres-measures.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const support = join(root, "packages", "durable", "test", "support");
const pg = /** @type {typeof import("pg")} */ (createRequire(join(root, "packages", "durable", "package.json"))("pg"));
const { faultScenario } = await import(join(support, "fault-scenario.mjs"));

const { values } = parseArgs({
  options: {
    waits: { type: "string", default: "2000" },
    concurrency: { type: "string", default: "16" },
    "fault-waits": { type: "string", default: "600" },
    workers: { type: "string", default: "1,2,4" },
  },
});
const N = Number(values.waits);
const CONCURRENCY = String(values.concurrency);
const RUN_LIMIT_MS = 5 * 60_000;
// Each operation finishes 150–650 ms after its first read; reads at least 60 ms apart: 2–4 reads per wait.
const PACING = { minDelayMs: 60, maxDelayMs: 60 };
const ids = Array.from(
  { length: N },
  (_, i) => `after-${150 + ((i * 53) % 500)}-${i % 10 ? "success" : "failed"}-${i}`,
);

const standIn = spawn(process.execPath, [join(support, "stand-in.mjs")], {
  stdio: ["ignore", "pipe", "inherit", "ipc"],
});
const standInUrl = await new Promise((resolve) => {
  createInterface({ input: /** @type {import("node:stream").Readable} */ (standIn.stdout) }).once("line", (line) =>
    resolve(JSON.parse(line).url),
  );
});
/** @returns {Promise<{ requests: number }>} */
const standInCount = () =>
  new Promise((resolve) => {
    standIn.once("message", (reply) => resolve(/** @type {any} */ (reply)));
    standIn.send("count");
  });
const watcherOptions = { providers: [register(sourcecraft, { token: "bench-token", baseUrl: standInUrl })] };
const statusUrl = (/** @type {string} */ id) => `${standInUrl}/operations/secrets/id:${id}`;

console.log(`durable waits vs in-process: ${N} operations of 2–4 reads, loopback stand-in in its own process\n`);
/** @type {Record<string, any>[]} */
const results = [];
results.push({ name: "in-process watcher.wait()", ...(await inProcessRun()) });
for (const workers of String(values.workers).split(",").map(Number)) {
  standIn.send("reset");
  const postgres = await startLocalPostgres();
  try {
    results.push({
      name: `durable, ${workers} worker${workers > 1 ? "s" : ""}`,
      ...(await durableRun(postgres, workers)),
    });
  } finally {
    await postgres.stop();
  }
}
standIn.kill("SIGTERM");

const inProcess = results[0];
const fmt = (/** @type {number} */ n, /** @type {number} */ digits = 0) =>
  Number.isFinite(n) ? n.toFixed(digits) : "–";
console.log("");
console.log(
  `${"".padEnd(26)} ${"polls/s".padStart(8)} ${"×in-proc".padStart(9)} ${"PG ms/poll".padStart(11)} ${"Node ms/poll".padStart(13)} ${"rows/wait".padStart(10)} ${"WAL B/step".padStart(11)} ${"WAL B/wait".padStart(11)} ${"bytes/wait".padStart(11)}`,
);
for (const r of results) {
  console.log(
    `${r.name.padEnd(26)} ${fmt(r.pollsPerSecond).padStart(8)} ${fmt(r.pollsPerSecond / inProcess?.pollsPerSecond, 2).padStart(9)} ${fmt(r.pgMsPerPoll, 3).padStart(11)} ${fmt(r.nodeMsPerPoll, 3).padStart(13)} ${fmt(r.rowsPerWait, 1).padStart(10)} ${fmt(r.walPerStep).padStart(11)} ${fmt(r.walPerWait).padStart(11)} ${fmt(r.bytesPerWait).padStart(11)}`,
  );
}
const one = results[1];
if (one) {
  console.log(
    "(WAL B/step: claims, commits and outcomes per read; WAL B/wait: everything, the enqueue included; bytes/wait: the tables and indexes at the end)",
  );
  console.log(`\nonOutcome: ${fmt(one.onOutcomePerSecond)} outcomes/s (${N} recorded outcomes, one consumer)`);
  console.log("\ntargets (1 worker):");
  const target = (/** @type {string} */ what, /** @type {boolean} */ ok, /** @type {string} */ figure) =>
    console.log(`  ${ok ? "met " : "MISS"}  ${what.padEnd(40)} ${figure}`);
  const ratio = one.pollsPerSecond / inProcess?.pollsPerSecond;
  target("polls/s ≥ 0.35 × in-process", ratio >= 0.35, `×${fmt(ratio, 2)}`);
  const cpu = one.pgMsPerPoll + one.nodeMsPerPoll;
  target("Postgres + Node CPU ≤ 1.2 ms per poll", cpu <= 1.2, `${fmt(cpu, 3)} ms`);
  target("WAL ≤ 1.5 KiB per step", one.walPerStep <= 1536, `${fmt(one.walPerStep)} B`);
  target("onOutcome ≥ 500 outcomes/s", one.onOutcomePerSecond >= 500, `${fmt(one.onOutcomePerSecond)}/s`);
}

// --fault-waits 0 skips it.
if (Number(values["fault-waits"]) > 0) {
  console.log(
    "\nfault-and-scale run (own Postgres; worker SIGKILLs, a Postgres crash, racing enqueues, contention, cursors):",
  );
  const fault = await faultScenario({
    waits: Number(values["fault-waits"]),
    workers: 4,
    concurrency: 16,
    kills: 5,
    maxInFlight: 8,
    limitMs: 120_000,
    log: (/** @type {string} */ line) => console.log(`  ${line}`),
  });
  console.log(
    `  ${fault.failures.length} failure(s)${fault.failures.length ? `: ${fault.failures.join("; ")}` : ""}; ${fault.waits} waits, ${fault.requests} requests, at most ${fault.maxInFlight} in flight to the origin (limit 8), ${fault.duringPushback} request(s) during the pushback, ${fault.workerErrors} error(s) the workers recovered from`,
  );
  if (fault.failures.length) process.exitCode = 1;
}

async function inProcessRun() {
  const watcher = createWatcher(watcherOptions);
  const before = await standInCount();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(ids.map((id) => watcher.wait(statusUrl(id), { ...PACING, throwOnFailure: false })));
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const polls = (await standInCount()).requests - before.requests;
  console.log(`in-process: ${N} waits, ${polls} polls in ${elapsed.toFixed(1)} s`);
  return {
    pollsPerSecond: polls / elapsed,
    pgMsPerPoll: Number.NaN,
    nodeMsPerPoll: (cpu.user + cpu.system) / 1000 / polls,
    rowsPerWait: 0,
    walPerStep: 0,
    walPerWait: 0,
    bytesPerWait: 0,
  };
}

/** @param {{ connectionString: string }} postgres @param {number} workers */
async function durableRun(postgres, workers) {
  const { connectionString } = postgres;
  const durableWatcher = createDurableWatcher({ watcher: createWatcher(watcherOptions), connectionString });
  await durableWatcher.start();
  const sql = new pg.Pool({ connectionString, max: 2 });
  sql.on("error", () => {});
  const { rows: dir } = await sql.query("SHOW data_directory");
  const postmaster = Number(readFileSync(join(dir[0].data_directory, "postmaster.pid"), "utf8").split("\n")[0]);
  const counters = () => postgresCounters(sql, "opwatch");
  const children = Array.from({ length: workers }, () =>
    spawn(process.execPath, [join(support, "worker-process.mjs")], {
      env: { ...process.env, DATABASE_URL: connectionString, STAND_IN_URL: standInUrl, QUIET: "1", CONCURRENCY },
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  /** @type {Promise<number>[]} */
  const cpuOf = [];
  await Promise.all(
    children.map(
      (child) =>
        new Promise((resolve) => {
          /** @type {(ms: number) => void} */
          let onCpu = () => {};
          cpuOf.push(new Promise((done) => (onCpu = done)));
          createInterface({ input: /** @type {import("node:stream").Readable} */ (child.stdout) }).on(
            "line",
            (line) => {
              const event = JSON.parse(line);
              if (event.type === "ready") resolve(undefined);
              if (event.type === "stopped") onCpu(event.cpuMs);
            },
          );
        }),
    ),
  );
  // Idle workers' CPU before the run is not the run's: measured from here (workers print their total).
  await new Promise((resolve) => setTimeout(resolve, 300));
  const before = await counters();
  const pgBefore = postgresCpuMs(postmaster);
  const polls0 = (await standInCount()).requests;
  const t0 = performance.now();
  await durableWatcher.enqueueAll(ids.map(statusUrl), PACING);
  const enqueued = await counters();
  let counts = await durableWatcher.counts();
  while (counts.outcomes < N && performance.now() - t0 < RUN_LIMIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    counts = await durableWatcher.counts();
  }
  const elapsed = (performance.now() - t0) / 1000;
  const polls = (await standInCount()).requests - polls0;
  const pgCpu = postgresCpuMs(postmaster) - pgBefore;
  const after = await counters();
  await Promise.all(
    children.map((child) => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      return exited;
    }),
  );
  const nodeCpu = (await Promise.all(cpuOf)).reduce((a, b) => a + b, 0);
  // onOutcome over the recorded outcomes, from the start of the log.
  const c0 = performance.now();
  let consumed = 0;
  /** @type {() => void} */
  let allIn = () => {};
  const done = new Promise((resolve) => (allIn = () => resolve(undefined)));
  const stop = await durableWatcher.onOutcome(
    () => {
      consumed += 1;
      if (consumed === N) allIn();
    },
    { name: "bench" },
  );
  await done;
  const onOutcomePerSecond = N / ((performance.now() - c0) / 1000);
  await stop();
  await sql.end();
  await durableWatcher.stop();
  console.log(
    `durable, ${workers} worker(s): ${counts.outcomes} outcomes (${counts.pending} pending), ${polls} polls in ${elapsed.toFixed(1)} s`,
  );
  return {
    pollsPerSecond: polls / elapsed,
    pgMsPerPoll: pgCpu / polls,
    // The workers' whole lives (start-up and the idle 300 ms included): an upper bound.
    nodeMsPerPoll: nodeCpu / polls,
    rowsPerWait: (after.rows - before.rows) / N,
    // The steps' WAL (claims, commits, outcomes); the enqueue's is in the per-wait figure.
    walPerStep: (after.wal - enqueued.wal) / polls,
    walPerWait: (after.wal - before.wal) / N,
    bytesPerWait: after.bytes / N,
    onOutcomePerSecond,
  };
}
