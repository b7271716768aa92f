#!/usr/bin/env node
// @ts-check
// Durable waits vs the in-process watcher, side by side on the same work (part of `pnpm bench`):
// N operations of 1–10 s (default 10,000) against a loopback stand-in in a process of its own,
//   a. enqueued in Postgres (a local one, from npm) and polled by 2 worker processes;
//   b. waited on by one process with `watcher.wait()`.
// Reported: throughput (waits finished per second of the run), requests per wait, median and p99
// detection lag (outcome recorded − operation finished), rows written per wait (Postgres's own
// counters). Ratios and figures only: nothing here is a pass/fail budget.
//   node scripts/bench-durable.mjs [--waits 10000] [--workers 2] [--concurrency 32]
import { fork, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { createDurableWatcher } from "@opwatch/durable";
import { startLocalPostgres } from "@opwatch/durable/local-postgres";
import { sourcecraft } from "@opwatch/sourcecraft";
import { createWatcher, register } from "opwatch";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const support = join(root, "packages", "durable", "test", "support");
const pg = /** @type {typeof import("pg")} */ (createRequire(join(root, "packages", "durable", "package.json"))("pg"));

const { values } = parseArgs({
  options: {
    waits: { type: "string", default: "10000" },
    workers: { type: "string", default: "2" },
    concurrency: { type: "string", default: "32" },
  },
});
const N = Number(values.waits);
const WORKERS = Number(values.workers);
const CONCURRENCY = String(values.concurrency);
const RUN_LIMIT_MS = 10 * 60_000;

// The same operations for both runs: durations 1–10 s from a fixed seed, one in ten ending failed.
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed / 2 ** 31;
};
const work = Array.from({ length: N }, (_, i) => ({ ms: 1000 + Math.floor(random() * 9000), failed: i % 10 === 0 }));
// Each operation finishes its duration after the stand-in first reads it (as if started just before).
const ids = work.map(({ ms, failed }, i) => `after-${ms}-${failed ? "failed" : "success"}-${i}`);

/** @param {number[]} values @param {number} q */
const quantile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
};

const standIn = fork(join(support, "stand-in.mjs"), [], { stdio: ["ignore", "pipe", "inherit", "ipc"] });
const standInUrl = await new Promise((resolve) => {
  createInterface({ input: /** @type {import("node:stream").Readable} */ (standIn.stdout) }).once("line", (line) =>
    resolve(JSON.parse(line).url),
  );
});
/** @returns {Promise<{ requests: number, doneAt: Record<string, number> }>} */
const standInCount = () =>
  new Promise((resolve) => {
    standIn.once("message", (reply) => resolve(/** @type {any} */ (reply)));
    standIn.send("count");
  });
const watcherOptions = { providers: [register(sourcecraft, { token: "bench-token", baseUrl: standInUrl })] };
const statusUrl = (/** @type {string} */ id) => `${standInUrl}/operations/secrets/id:${id}`;

console.log(`durable waits vs in-process: ${N} operations of 1–10 s, loopback stand-in in its own process\n`);
const results = [];
const postgres = await startLocalPostgres();
try {
  results.push({ name: `durable, ${WORKERS} worker processes`, ...(await durableRun(postgres.connectionString)) });
} finally {
  await postgres.stop();
}
standIn.send("reset");
results.push({ name: "in-process watcher.wait()", ...(await inProcessRun()) });
standIn.kill("SIGTERM");

console.log("");
console.log(
  `${"".padEnd(32)} ${"waits/s".padStart(8)} ${"req/wait".padStart(9)} ${"lag p50".padStart(8)} ${"lag p99".padStart(8)} ${"rows/wait".padStart(10)}`,
);
for (const r of results) {
  console.log(
    `${r.name.padEnd(32)} ${r.throughput.toFixed(0).padStart(8)} ${r.requestsPerWait.toFixed(2).padStart(9)} ${`${(r.lagP50 / 1000).toFixed(2)} s`.padStart(8)} ${`${(r.lagP99 / 1000).toFixed(2)} s`.padStart(8)} ${r.rowsPerWait.toFixed(1).padStart(10)}`,
  );
}
const [durable, inProcess] = results;
if (durable && inProcess) {
  console.log(
    `\ndurable / in-process: throughput ×${(durable.throughput / inProcess.throughput).toFixed(2)}, requests ×${(durable.requestsPerWait / inProcess.requestsPerWait).toFixed(2)}, median lag ×${(durable.lagP50 / inProcess.lagP50).toFixed(2)}, p99 lag ×${(durable.lagP99 / inProcess.lagP99).toFixed(2)}`,
  );
}

/** @param {string} connectionString */
async function durableRun(connectionString) {
  const durableWatcher = createDurableWatcher({ watcher: createWatcher(watcherOptions), connectionString });
  await durableWatcher.start();
  const sql = new pg.Pool({ connectionString, max: 2 });
  const rowsWritten = async () => {
    await sql.query("SELECT pg_stat_force_next_flush()");
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const { rows } = await sql.query(
      `SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) AS n FROM pg_stat_user_tables
        WHERE schemaname IN ('opwatch', 'opwatch_jobs')`,
    );
    return Number(rows[0]?.n);
  };
  const rowsBefore = await rowsWritten();
  const workers = Array.from({ length: WORKERS }, () =>
    spawn(process.execPath, [join(support, "worker-process.mjs")], {
      env: { ...process.env, DATABASE_URL: connectionString, STAND_IN_URL: standInUrl, QUIET: "1", CONCURRENCY },
      stdio: ["ignore", "pipe", "inherit"],
    }),
  );
  const stdoutOf = (/** @type {import("node:child_process").ChildProcess} */ child) =>
    /** @type {import("node:stream").Readable} */ (child.stdout);
  await Promise.all(
    workers.map(
      (child) =>
        new Promise((resolve) => {
          createInterface({ input: stdoutOf(child) }).on("line", (line) => {
            if (line.includes('"ready"')) resolve(undefined);
          });
        }),
    ),
  );
  const t0 = Date.now();
  await durableWatcher.enqueueAll(ids.map(statusUrl));
  const enqueueMs = Date.now() - t0;
  console.log(`durable: ${N} waits enqueued in ${(enqueueMs / 1000).toFixed(1)} s; ${WORKERS} workers polling…`);
  let counts = await durableWatcher.counts();
  while (counts.outcomes < N && Date.now() - t0 < RUN_LIMIT_MS) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    counts = await durableWatcher.counts();
  }
  const outcomes = [];
  for (let after = 0; ; ) {
    const page = await durableWatcher.outcomes({ after, limit: 5000 });
    if (page.length === 0) break;
    outcomes.push(...page);
    after = page.at(-1)?.seq ?? after;
  }
  const { requests, doneAt } = await standInCount();
  await Promise.all(
    workers.map((child) => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      return exited;
    }),
  );
  const rowsAfter = await rowsWritten();
  await sql.end();
  await durableWatcher.stop();
  const lags = outcomes.map((o) => o.finishedAt.getTime() - (doneAt[o.ref.params.operation_id ?? ""] ?? Number.NaN));
  const end = Math.max(...outcomes.map((o) => o.finishedAt.getTime()));
  console.log(
    `durable: ${outcomes.length} outcomes (${counts.pending} still pending) in ${((end - t0) / 1000).toFixed(1)} s`,
  );
  return {
    throughput: outcomes.length / ((end - t0) / 1000),
    requestsPerWait: requests / N,
    lagP50: quantile(lags, 0.5),
    lagP99: quantile(lags, 0.99),
    rowsPerWait: (rowsAfter - rowsBefore) / N,
  };
}

async function inProcessRun() {
  const watcher = createWatcher(watcherOptions);
  const t0 = Date.now();
  const finishedAt = await Promise.all(
    ids.map(async (id) => {
      await watcher.wait(statusUrl(id), { throwOnFailure: false });
      return Date.now();
    }),
  );
  const end = Date.now();
  const { requests, doneAt } = await standInCount();
  const lags = ids.map((id, i) => (finishedAt[i] ?? Number.NaN) - (doneAt[id] ?? Number.NaN));
  console.log(`in-process: ${N} waits done in ${((end - t0) / 1000).toFixed(1)} s`);
  return {
    throughput: N / ((end - t0) / 1000),
    requestsPerWait: requests / N,
    lagP50: quantile(lags, 0.5),
    lagP99: quantile(lags, 0.99),
    rowsPerWait: 0,
  };
}
