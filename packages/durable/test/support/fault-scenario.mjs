// @ts-check
// A fault-and-scale run on a Postgres of its own (from npm): worker processes polling a loopback
// stand-in, SIGKILLed one after another and replaced; a Postgres crash (a backend SIGKILLed: the server
// resets every connection and recovers from its WAL), then the server killed and restarted (down for a
// second, the same workers reconnecting by themselves); racing enqueues of the same operations; a shared
// per-origin limit; a pushback; a follower and an onOutcome consumer reading all along. Returns what went
// wrong (nothing, when every promise held) and the figures. Used by the test (small) and the bench.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { sourcecraft } from "@opwatch/sourcecraft";
import { createWatcher, register } from "opwatch";
import pg from "pg";
import { createDurableWatcher } from "../../dist/index.js";
import { startLocalPostgres } from "../../dist/local-postgres.js";
import { startStandIn } from "./stand-in.mjs";

const WORKER = join(dirname(fileURLToPath(import.meta.url)), "worker-process.mjs");

/**
 * @param {{ waits?: number, workers?: number, concurrency?: number, kills?: number, maxInFlight?: number,
 *   log?: (line: string) => void, limitMs?: number }} [options]
 */
export async function faultScenario(options = {}) {
  const { waits = 200, workers = 3, concurrency = 8, kills = 3, maxInFlight = 6, limitMs = 60_000 } = options;
  const log = options.log ?? (() => {});
  /** @type {string[]} */
  const failures = [];
  const postgres = await startLocalPostgres();
  const standIn = await startStandIn({ latencyMs: 5 });
  const watcher = createWatcher({
    providers: [register(sourcecraft, { token: "durable-token", baseUrl: standIn.url })],
  });
  const schema = "faults";
  const made = () =>
    createDurableWatcher({ watcher, connectionString: postgres.connectionString, schema, stepTimeoutSeconds: 2 });
  const durable = made();
  const racer = made();
  const sql = new pg.Pool({ connectionString: postgres.connectionString, max: 2 });
  sql.on("error", () => {});
  /** @type {Set<import("node:child_process").ChildProcess>} */
  const children = new Set();
  const startWorker = () => {
    const child = spawn(process.execPath, [WORKER], {
      env: {
        ...process.env,
        DATABASE_URL: postgres.connectionString,
        STAND_IN_URL: standIn.url,
        DURABLE_SCHEMA: schema,
        STEP_TIMEOUT_SECONDS: "2",
        CONCURRENCY: String(concurrency),
        MAX_IN_FLIGHT: String(maxInFlight),
        QUIET: "1",
      },
      stdio: ["ignore", "pipe", "ignore"],
    });
    children.add(child);
    child.once("exit", () => children.delete(child));
    return new Promise((resolve) => {
      createInterface({ input: /** @type {import("node:stream").Readable} */ (child.stdout) }).on("line", (line) => {
        if (line.includes('"ready"')) resolve(child);
        else if (line.includes('"error"')) workerErrors += 1;
      });
    });
  };
  /** Errors the workers reported (connections lost to the crash, say): they must recover by themselves. */
  let workerErrors = 0;
  const t0 = Date.now();
  try {
    await durable.start();
    for (let i = 0; i < workers; i += 1) await startWorker();
    log(`${workers} workers up`);

    // Readers from the start: every outcome must reach each exactly once, in seq order.
    const controller = new AbortController();
    /** @type {number[]} */
    const followed = [];
    const following = (async () => {
      for await (const outcome of durable.follow({ signal: controller.signal, intervalMs: 200 })) {
        followed.push(outcome.seq);
      }
    })().catch((error) => failures.push(`follow threw: ${error}`));
    /** @type {string[]} */
    const consumed = [];
    const stopConsumer = await durable.onOutcome((outcome) => void consumed.push(outcome.waitId), {
      intervalMs: 200,
    });

    // Racing enqueues: the same operations from two watchers in opposite orders, and one by one.
    const ids = Array.from(
      { length: waits },
      (_, i) => `after-${500 + ((i * 37) % 2000)}-${i % 9 ? "success" : "failed"}-${i}`,
    );
    const urls = ids.map((id) => standIn.statusUrl(id));
    const pacing = { minDelayMs: 100, maxDelayMs: 400 };
    const [a, b, singles] = await Promise.all([
      durable.enqueueAll(urls, pacing),
      racer.enqueueAll([...urls].reverse(), pacing),
      Promise.all(urls.slice(0, 20).map((url) => racer.enqueue(url, pacing))),
    ]);
    const created = [...a, ...b, ...singles].filter((result) => result.created).length;
    if (created !== waits) failures.push(`racing enqueues created ${created} waits for ${waits} operations`);
    log(`${waits} waits enqueued (racing) in ${Date.now() - t0} ms`);

    // Faults: a worker SIGKILLed every 400 ms (and replaced), a pushback, then a Postgres crash.
    for (let k = 0; k < kills; k += 1) {
      await new Promise((resolve) => setTimeout(resolve, 400));
      const victim = [...children][0];
      victim?.kill("SIGKILL");
      await startWorker();
      log(`worker ${victim?.pid} SIGKILLed, another started`);
    }
    standIn.pushBack(1);
    const pushedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const backend = await sql.connect();
    const { rows } = await backend.query("SELECT pg_backend_pid() AS pid");
    backend.on("error", () => {});
    process.kill(Number(rows[0]?.pid), "SIGKILL");
    backend.release(true);
    log("Postgres crashed (a backend SIGKILLed: every connection reset, recovery from WAL)");
    // Then the whole server: down for a second (connections refused), up again on its WAL. The same
    // workers must reconnect by themselves and finish.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const before = children.size;
    await postgres.crashAndRestart(1000);
    log("Postgres killed (immediate shutdown), down 1 s, restarted (recovery from WAL)");
    if (children.size !== before) failures.push("a worker exited when Postgres went down");
    // Waits enqueued after the restart: only the workers that lived through it can end them.
    const late = Array.from({ length: Math.ceil(waits / 10) }, (_, i) => `after-300-success-${i}`);
    const lateCreated = (
      await durable.enqueueAll(
        late.map((id) => standIn.statusUrl(id)),
        pacing,
      )
    ).filter((result) => result.created).length;
    if (lateCreated !== late.length) failures.push(`${lateCreated} of ${late.length} late waits created`);
    const total = waits + late.length;

    // Every wait ends.
    let counts = { waits: 0, pending: total, outcomes: 0 };
    while (Date.now() - t0 < limitMs) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      counts = await durable.counts().catch(() => counts);
      if (counts.outcomes === total && consumed.length >= total && followed.length >= total) break;
    }
    const elapsedMs = Date.now() - t0;
    log(`${counts.outcomes} outcomes in ${elapsedMs} ms`);
    controller.abort();
    await following;
    await stopConsumer();

    const outcomes = [];
    for (let after = 0; ; ) {
      const page = await durable.outcomes({ after, limit: 1000 });
      if (page.length === 0) break;
      outcomes.push(...page);
      after = page.at(-1)?.seq ?? after;
    }
    if (counts.pending !== 0 || outcomes.length !== total) {
      failures.push(`${outcomes.length} outcomes of ${total} waits (${counts.pending} pending)`);
    }
    for (const outcome of outcomes) {
      const id = String(outcome.ref.params.operation_id);
      const want = id.includes("-failed-") ? "failed" : "succeeded";
      if (outcome.kind !== want) failures.push(`${id} ended ${outcome.kind}, not ${want}`);
    }
    const seqs = outcomes.map((o) => o.seq);
    const check = (/** @type {string} */ who, /** @type {unknown[]} */ seen) => {
      if (seen.length !== total || new Set(seen).size !== total) {
        failures.push(`${who} saw ${seen.length} outcomes (${new Set(seen).size} distinct) of ${total}`);
      }
    };
    check("follow", followed);
    if (followed.some((seq, i) => i > 0 && seq <= (followed[i - 1] ?? 0))) failures.push("follow went out of order");
    if (followed.join() !== seqs.join()) failures.push("follow and outcomes() disagree");
    check("onOutcome", consumed);
    if (standIn.maxInFlight > maxInFlight) {
      failures.push(`${standIn.maxInFlight} requests in flight at once to one origin (limit ${maxInFlight})`);
    }
    // The first 429 answers at pushedAt + a few ms; once it is recorded, no worker reads until it ends.
    const during = standIn.requests.filter((r) => r.at > pushedAt + 100 && r.at < pushedAt + 900).length;
    if (during > maxInFlight) failures.push(`${during} requests reached the origin during its pushback`);
    const requests = standIn.requests.length;
    return {
      failures,
      elapsedMs,
      waits: total,
      requests,
      maxInFlight: standIn.maxInFlight,
      duringPushback: during,
      workerErrors,
    };
  } finally {
    for (const child of children) child.kill("SIGKILL");
    await sql.end().catch(() => {});
    await durable.stop().catch(() => {});
    await racer.stop().catch(() => {});
    await standIn.stop();
    await postgres.stop();
  }
}
