// The worker: runs the poll steps that are due, each as one pg-boss job, and writes what each step
// decided (the next job, or the outcome) in one transaction with the job's removal.
import type { OperationRef } from "opwatch";
import type { PoolClient } from "pg";
import type PgBoss from "pg-boss";
import type { DurableStepOptions, PollState, StepOutcome } from "./contract.js";
import type { DurableContext } from "./durable.js";
import { DEAD_STEP_QUEUE, OUTCOME_QUEUE, STEP_QUEUE } from "./durable.js";
import { stepJobId } from "./ids.js";
import { errorJson, type OutcomeKind, outcomeOf } from "./outcome.js";

export interface WorkOptions {
  /** Poll steps this process runs at once (default 16). */
  concurrency?: number;
  /** How often to look for due steps when none were found (default 250 ms). */
  pollIntervalMs?: number;
  /** How often this process expires steps held by dead workers (default 5 s). */
  maintenanceIntervalMs?: number;
  /** Called with what the worker does, for logs and progress output. */
  onEvent?: (event: WorkerEvent) => void;
}

export type WorkerEvent =
  | { type: "step"; waitId: string; ref: OperationRef; outcome: StepOutcome["kind"]; state?: string; delayMs?: number }
  | { type: "deferred"; waitId: string; reason: "pushback" | "admission"; delayMs: number }
  | { type: "outcome"; waitId: string; ref: OperationRef; kind: OutcomeKind }
  | { type: "error"; error: unknown };

export interface DurableWorker {
  /** Counts since this worker started. */
  readonly stats: { steps: number; outcomes: number; deferred: number; stale: number; errors: number };
  /** Resolves when the worker has stopped. */
  readonly stopped: Promise<void>;
  /** Stops taking steps and waits for the ones in flight (each at most one read). */
  stop(): Promise<void>;
}

interface StepJob {
  w: string;
  s: number;
}

interface WaitRow {
  ref: OperationRef;
  options: DurableStepOptions;
  state: PollState | null;
  seq: number;
  done: boolean;
  pushback_key: string | null;
  pushed_ms: number | null;
  origin: number;
  slot: number | null;
}

/** Why a step could not run now. */
class Deferred {
  constructor(
    readonly reason: "pushback" | "admission",
    readonly delayMs: number,
  ) {}
}

const ADMISSION_WAIT_MS = 2000;

export function runWorker(context: DurableContext, options: WorkOptions): DurableWorker {
  const { pool, boss, schema, watcher, maxInFlightPerOrigin } = context;
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`concurrency must be a positive integer, got ${concurrency}.`);
  }
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const maintenanceIntervalMs = options.maintenanceIntervalMs ?? 5000;
  const emit = (event: WorkerEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A logging callback must not break a step.
    }
  };
  const stats = { steps: 0, outcomes: 0, deferred: 0, stale: 0, errors: 0 };
  // Slots this process holds, all origins together: while below the limit, any origin may have room.
  let slotsHeld = 0;
  let stopping = false;
  let inFlight = 0;
  let wake: (() => void) | undefined;
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        if (wake === done) wake = undefined;
        resolve();
      }
      wake = done;
    });

  const inTransaction = async <T>(client: PoolClient, work: (db: PgBoss.Db) => Promise<T>): Promise<T> => {
    await client.query("BEGIN");
    try {
      const result = await work({ executeSql: (text, values) => client.query(text, values) });
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      throw error;
    }
  };

  /** Moves the wait from step `seq` to `seq + 1` and removes the job; false if another run got there first. */
  const advance = async (
    db: PgBoss.Db,
    client: PoolClient,
    job: PgBoss.Job<StepJob>,
    set: string,
    values: unknown[],
  ): Promise<boolean> => {
    const { rowCount } = await client.query(
      `UPDATE ${schema}.waits SET seq = seq + 1, updated_at = now()${set} WHERE id = $1 AND seq = $2`,
      [job.data.w, job.data.s, ...values],
    );
    await boss.deleteJob(STEP_QUEUE, job.id, { db });
    return rowCount === 1;
  };

  const schedule = (db: PgBoss.Db, waitId: string, seq: number, delayMs: number) =>
    boss.send(
      STEP_QUEUE,
      { w: waitId, s: seq },
      { id: stepJobId(waitId, seq), startAfter: String(Math.max(0, Math.round(delayMs)) / 1000), db },
    );

  const defer = async (client: PoolClient, job: PgBoss.Job<StepJob>, deferred: Deferred) => {
    const moved = await inTransaction(client, async (db) => {
      if (!(await advance(db, client, job, "", []))) return false;
      await schedule(db, job.data.w, job.data.s + 1, deferred.delayMs);
      return true;
    });
    if (moved) {
      stats.deferred += 1;
      emit({ type: "deferred", waitId: job.data.w, reason: deferred.reason, delayMs: deferred.delayMs });
    }
  };

  /** Waits a little for one of the origin's slots (held by this or other workers) to come free. */
  const admit = async (client: PoolClient, origin: number): Promise<number> => {
    const until = Date.now() + ADMISSION_WAIT_MS;
    for (;;) {
      if (slotsHeld < maxInFlightPerOrigin) {
        const { rows } = await client.query<{ slot: number }>(`SELECT ${schema}.take_slot($1, $2) AS slot`, [
          origin,
          maxInFlightPerOrigin,
        ]);
        const slot = rows[0]?.slot ?? -1;
        if (slot >= 0) return slot;
      }
      if (Date.now() >= until || stopping) throw new Deferred("admission", 250 + Math.random() * 750);
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
    }
  };

  const runStep = async (job: PgBoss.Job<StepJob>) => {
    const { w: waitId, s: seq } = job.data;
    const client = await pool.connect();
    // A checked-out client whose connection dies emits "error"; the query in flight rejects anyway.
    client.on("error", ignore);
    let broken = false;
    let slot = -1;
    let origin = 0;
    const unlock = async () => {
      if (slot < 0) return;
      const held = slot;
      slot = -1;
      slotsHeld -= 1;
      await client.query("SELECT pg_advisory_unlock($1, $2)", [origin, held]).catch(() => {
        // The lock dies with the connection: drop this client rather than return it holding the slot.
        broken = true;
      });
    };
    try {
      // One round trip loads the wait, its pushback, and (when this process has room) one of its
      // origin's slots: a session advisory lock on this connection, shared by every worker.
      const { rows } = await client.query<WaitRow>(
        `SELECT w.ref, w.options, w.state, w.seq, w.done_at IS NOT NULL AS done, w.pushback_key, p.ms AS pushed_ms,
                o.key AS origin,
                CASE WHEN $3 AND w.seq = $2 AND w.done_at IS NULL AND p.ms IS NULL
                     THEN ${schema}.take_slot(o.key, $4) END AS slot
           FROM ${schema}.waits w
           CROSS JOIN LATERAL (SELECT hashtext(lower(substring(w.ref ->> 'baseUrl'
                                 FROM '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]+'))) AS key) o
           LEFT JOIN LATERAL (SELECT extract(epoch FROM q.until_at - now()) * 1000 AS ms
                                FROM ${schema}.pushback q WHERE q.key = w.pushback_key AND q.until_at > now()) p ON true
          WHERE w.id = $1`,
        [waitId, seq, slotsHeld < maxInFlightPerOrigin, maxInFlightPerOrigin],
      );
      const row = rows[0];
      origin = row?.origin ?? 0;
      if (row?.slot != null && row.slot >= 0) {
        slot = row.slot;
        slotsHeld += 1;
      }
      if (!row || row.seq !== seq || row.done) {
        // A copy of a step that already ran (a retried job after its worker's commit): drop it.
        stats.stale += 1;
        await boss.deleteJob(STEP_QUEUE, job.id, { db: { executeSql: (text, values) => client.query(text, values) } });
        return;
      }
      const ref = row.ref;
      const key = watcher.pushbackKey(ref);
      let pushedMs = row.pushback_key === key ? Number(row.pushed_ms ?? 0) : 0;
      if (row.pushback_key !== key) {
        const found = await client.query<{ ms: number }>(
          `SELECT extract(epoch FROM until_at - now()) * 1000 AS ms FROM ${schema}.pushback WHERE key = $1 AND until_at > now()`,
          [key],
        );
        pushedMs = Number(found.rows[0]?.ms ?? 0);
      }
      if (pushedMs > 0) {
        // Another worker saw this origin push back: wait it out, spread over a little jitter.
        await unlock();
        await defer(client, job, new Deferred("pushback", pushedMs + Math.random() * Math.min(1000, pushedMs * 0.1)));
        return;
      }
      if (slot < 0) {
        try {
          slot = await admit(client, origin);
        } catch (error) {
          if (error instanceof Deferred) {
            await defer(client, job, error);
            return;
          }
          throw error;
        }
        slotsHeld += 1;
      }
      let outcome: StepOutcome;
      try {
        outcome = await stepSafely(ref, row.state ?? undefined, row.options);
      } finally {
        await unlock();
      }
      stats.steps += 1;
      emit({
        type: "step",
        waitId,
        ref,
        outcome: outcome.kind,
        ...(outcome.kind === "pending" ? { delayMs: outcome.delayMs } : {}),
        ...(outcome.kind !== "error" && outcome.status ? { state: outcome.status.state } : {}),
      });
      if (broken) throw new Error("lost the database connection during a step");
      await commitStep(client, job, ref, key, outcome);
    } catch (error) {
      broken ||= isConnectionError(error);
      throw error;
    } finally {
      await unlock();
      client.off("error", ignore);
      client.release(broken);
    }
  };

  /** A step that throws instead of returning `error` (a ref this fleet cannot poll) ends the wait. */
  const stepSafely = async (ref: OperationRef, state: PollState | undefined, stepOptions: DurableStepOptions) => {
    try {
      return await watcher.step(ref, state, stepOptions);
    } catch (error) {
      if (error && typeof error === "object" && (error as { name?: string }).name === "ValidationError") {
        return { kind: "error", error, state: state ?? ({} as PollState) } as StepOutcome;
      }
      throw error;
    }
  };

  const commitStep = async (
    client: PoolClient,
    job: PgBoss.Job<StepJob>,
    ref: OperationRef,
    key: string,
    outcome: StepOutcome,
  ) => {
    const { w: waitId, s: seq } = job.data;
    if (outcome.kind === "pending") {
      await inTransaction(client, async (db) => {
        const set = ", state = $3, requests = requests + 1, pushback_key = $4";
        if (!(await advance(db, client, job, set, [JSON.stringify(outcome.state), key]))) return;
        await schedule(db, waitId, seq + 1, outcome.delayMs);
        if (outcome.pushback) {
          await client.query(
            `INSERT INTO ${schema}.pushback (key, until_at)
             VALUES ($1, now() + $2 * interval '1 millisecond')
             ON CONFLICT (key) DO UPDATE SET until_at = GREATEST(${schema}.pushback.until_at, EXCLUDED.until_at)`,
            [outcome.pushback.key, Math.max(0, outcome.pushback.untilMs - Date.now())],
          );
        }
      });
      return;
    }
    const { kind, status, error } = outcomeOf(outcome);
    const recorded = await inTransaction(client, async (db) => {
      const set = ", state = $3, requests = requests + 1, pushback_key = $4, done_at = now()";
      if (!(await advance(db, client, job, set, [JSON.stringify(outcome.state), key]))) return false;
      const { rows } = await client.query<{ seq: string }>(
        `INSERT INTO ${schema}.outcomes (wait_id, kind, status, error, ref, requests, enqueued_at)
         SELECT id, $2, $3, $4, ref, requests, enqueued_at FROM ${schema}.waits WHERE id = $1
         ON CONFLICT (wait_id) DO NOTHING RETURNING seq`,
        [waitId, kind, JSON.stringify(status), error ? JSON.stringify(error) : null],
      );
      const outcomeSeq = rows[0]?.seq;
      if (outcomeSeq === undefined) return false;
      if (context.outcomeQueue) await boss.send(OUTCOME_QUEUE, { w: waitId }, { id: stepJobId(waitId, -1), db });
      await client.query("SELECT pg_notify($1, $2)", [`${schema}_outcomes`, outcomeSeq]);
      return true;
    });
    if (recorded) {
      stats.outcomes += 1;
      emit({ type: "outcome", waitId, kind, ref });
    }
  };

  /** A step whose job failed every retry (the database kept failing, or the step kept throwing). */
  const recordDeadSteps = async () => {
    const jobs = await boss.fetch<StepJob>(DEAD_STEP_QUEUE, { batchSize: 20 });
    for (const job of jobs) {
      const client = await pool.connect();
      try {
        await inTransaction(client, async (db) => {
          const { rows } = await client.query<{ seq: string }>(
            `WITH ended AS (
               UPDATE ${schema}.waits SET seq = seq + 1, done_at = now(), updated_at = now()
               WHERE id = $1 AND seq = $2 AND done_at IS NULL RETURNING *)
             INSERT INTO ${schema}.outcomes (wait_id, kind, status, error, ref, requests, enqueued_at)
             SELECT id, 'error', state -> 'last', $3, ref, requests, enqueued_at FROM ended
             ON CONFLICT (wait_id) DO NOTHING RETURNING seq`,
            [
              job.data.w,
              job.data.s,
              JSON.stringify({ name: "Error", message: "the poll step failed on every retry; see the workers' logs." }),
            ],
          );
          if (rows[0] && context.outcomeQueue) {
            await boss.send(OUTCOME_QUEUE, { w: job.data.w }, { id: stepJobId(job.data.w, -1), db });
          }
          if (rows[0]) await client.query("SELECT pg_notify($1, $2)", [`${schema}_outcomes`, rows[0].seq]);
          await boss.deleteJob(DEAD_STEP_QUEUE, job.id, { db });
        });
      } finally {
        client.release();
      }
    }
  };

  const handle = async (job: PgBoss.Job<StepJob>) => {
    try {
      await runStep(job);
    } catch (error) {
      stats.errors += 1;
      emit({ type: "error", error: errorJson(error) });
      // pg-boss retries it after a backoff; if even this fails the job expires and is retried then.
      await boss.fail(STEP_QUEUE, job.id, errorJson(error)).catch(() => {});
    }
  };

  const maintenance = setInterval(() => {
    boss
      .expire()
      .then(recordDeadSteps)
      .catch((error: unknown) => emit({ type: "error", error: errorJson(error) }));
  }, maintenanceIntervalMs);

  const loop = async () => {
    let lastArchive = Date.now();
    while (!stopping) {
      const free = concurrency - inFlight;
      // Fetch in batches: a fetch costs about what a step does, so refill when a quarter is free.
      if (free <= 0 || (free < Math.ceil(concurrency / 4) && inFlight > 0)) {
        await nap(pollIntervalMs);
        continue;
      }
      let jobs: PgBoss.Job<StepJob>[] = [];
      try {
        jobs = await boss.fetch<StepJob>(STEP_QUEUE, { batchSize: free });
      } catch (error) {
        emit({ type: "error", error: errorJson(error) });
      }
      for (const job of jobs) {
        inFlight += 1;
        void handle(job).finally(() => {
          inFlight -= 1;
          if (inFlight === concurrency - Math.ceil(concurrency / 4)) wake?.();
        });
      }
      if (Date.now() - lastArchive > 60_000) {
        lastArchive = Date.now();
        await boss.maintain().catch((error: unknown) => emit({ type: "error", error: errorJson(error) }));
      }
      if (jobs.length < free) await nap(pollIntervalMs);
    }
    clearInterval(maintenance);
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  const stopped = loop();
  return {
    stats,
    stopped,
    async stop() {
      stopping = true;
      wake?.();
      await stopped;
    },
  };
}

function ignore() {}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return typeof code === "string" && (code.startsWith("08") || code === "57P01" || code === "ECONNRESET");
}
