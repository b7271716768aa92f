import { type OperationRef, type OperationTarget, ValidationError } from "opwatch";
import pg from "pg";
import PgBoss from "pg-boss";
import type { DurableStepOptions, StepWatcher } from "./contract.js";
import { stepJobId, waitIdOf } from "./ids.js";
import { fromRow, type Outcome, type OutcomeRow } from "./outcome.js";
import { assertSchemaName, migrate } from "./schema.js";
import { type DurableWorker, runWorker, type WorkOptions } from "./worker.js";

export interface DurableWatcherOptions {
  /** The opwatch watcher whose providers read the operations. Workers call its `step` and
   * `pushbackKey`; a process that only enqueues needs no more than `ref`. */
  watcher: Pick<StepWatcher, "ref"> & Partial<StepWatcher>;
  /** Postgres connection string, e.g. `process.env.DATABASE_URL`. */
  connectionString?: string;
  /** Or a pool you own (then `stop()` leaves it open). */
  pool?: pg.Pool;
  /** Connections in the pool this watcher opens (default: 4 + the worker concurrency). */
  maxConnections?: number;
  /** Schema of the durable tables (default `opwatch`); pg-boss's tables go in `<schema>_jobs`. */
  schema?: string;
  /** Requests in flight to one origin, across every worker sharing the database (default 16). */
  maxInFlightPerOrigin?: number;
  /**
   * A step held longer than this by a worker is taken to be lost (the worker was killed or cut off)
   * and runs again on another (default 60 s; keep it above the request timeout).
   */
  stepTimeoutSeconds?: number;
  /** Also send each outcome to a pg-boss queue, for {@link DurableWatcher.onOutcome} (default true). */
  outcomeQueue?: boolean;
}

export interface EnqueueResult {
  /** The wait's id (a hash of the ref: the same operation always has the same id). */
  id: string;
  ref: OperationRef;
  /** False when the ref was already enqueued (then nothing was written). */
  created: boolean;
}

export interface OutcomeListOptions {
  /** Only outcomes after this `seq` (a cursor: the last `seq` you handled). */
  after?: number;
  limit?: number;
}

export interface FollowOptions {
  after?: number;
  signal?: AbortSignal;
  /** How often to look when no notification arrives (default 1000 ms). */
  intervalMs?: number;
}

export interface DurableWatcher {
  /** Creates the tables and queues if needed. Every other method calls it first. */
  start(): Promise<void>;
  /** Stores the wait and schedules its first poll step at once; returns without polling. */
  enqueue(target: OperationTarget, options?: DurableStepOptions): Promise<EnqueueResult>;
  /** The same for many targets, in one transaction per thousand. */
  enqueueAll(targets: readonly OperationTarget[], options?: DurableStepOptions): Promise<EnqueueResult[]>;
  /** Runs poll steps in this process until `stop()` of the returned worker (or of this watcher). */
  work(options?: WorkOptions): Promise<DurableWorker>;
  /** The outcome of one wait (by id or target), if it has ended. */
  outcome(idOrTarget: string | OperationTarget): Promise<Outcome | undefined>;
  /** Outcomes in the order they were recorded. */
  outcomes(options?: OutcomeListOptions): Promise<Outcome[]>;
  /** Yields each outcome after `after` as it is recorded, until the signal aborts. */
  follow(options?: FollowOptions): AsyncIterableIterator<Outcome>;
  /**
   * Calls `handler` once per outcome through a pg-boss queue: delivery survives restarts and is
   * at least once (a handler that throws, or a process that dies in it, gets the outcome again; use
   * `outcome.waitId` to make it idempotent). Resolves with a function that stops consuming.
   */
  onOutcome(
    handler: (outcome: Outcome) => Promise<void> | void,
    options?: { batchSize?: number; pollingIntervalSeconds?: number },
  ): Promise<() => Promise<void>>;
  /** Counts: waits stored, waits still pending, outcomes recorded. */
  counts(): Promise<{ waits: number; pending: number; outcomes: number }>;
  /** Stops the workers and consumers of this watcher and closes the pool it opened. */
  stop(): Promise<void>;
}

/** Advisory-lock key (one-bigint form) held while a process sets up the schemas. */
const SETUP_LOCK = 0x6f707762;

const STORED_STEP_OPTIONS = ["maxWaitMs", "minDelayMs", "maxDelayMs", "ageRatio", "maxConsecutiveFailures"] as const;

export const STEP_QUEUE = "opwatch-step";
export const DEAD_STEP_QUEUE = "opwatch-step-dead";
export const OUTCOME_QUEUE = "opwatch-outcome";

/** Everything a worker needs from its watcher. */
export interface DurableContext {
  pool: pg.Pool;
  boss: PgBoss;
  schema: string;
  watcher: StepWatcher;
  maxInFlightPerOrigin: number;
  outcomeQueue: boolean;
}

export function createDurableWatcher(options: DurableWatcherOptions): DurableWatcher {
  const watcher = options?.watcher;
  if (!watcher || typeof watcher.ref !== "function") {
    throw new TypeError("createDurableWatcher needs a watcher: createWatcher({ providers }) from opwatch.");
  }
  if (!options.pool && !options.connectionString) {
    throw new TypeError("createDurableWatcher needs a connectionString (e.g. process.env.DATABASE_URL) or a pool.");
  }
  const schema = options.schema ?? "opwatch";
  assertSchemaName(schema);
  const maxInFlightPerOrigin = options.maxInFlightPerOrigin ?? 16;
  if (!Number.isInteger(maxInFlightPerOrigin) || maxInFlightPerOrigin < 1) {
    throw new TypeError(`maxInFlightPerOrigin must be a positive integer, got ${maxInFlightPerOrigin}.`);
  }
  const stepTimeoutSeconds = options.stepTimeoutSeconds ?? 60;
  if (!Number.isInteger(stepTimeoutSeconds) || stepTimeoutSeconds < 1) {
    throw new TypeError(`stepTimeoutSeconds must be a whole number of seconds >= 1, got ${stepTimeoutSeconds}.`);
  }
  const ownPool = !options.pool;
  let pool: pg.Pool | undefined = options.pool;
  let poolSize = options.maxConnections ?? 6;
  const getPool = () => {
    if (!pool) {
      pool = new pg.Pool({ connectionString: options.connectionString, max: poolSize, application_name: "opwatch" });
      // An idle client that loses its connection must not crash the process; the next query reconnects.
      pool.on("error", () => {});
    }
    return pool;
  };
  let boss: PgBoss | undefined;
  let started: Promise<void> | undefined;
  const stoppers = new Set<() => Promise<void>>();

  const start = () => {
    started ??= (async () => {
      const db = getPool();
      // pg-boss's own set-up is not safe against processes starting together: take turns, holding a
      // session advisory lock on one connection while the set-up runs on the others.
      const lock = await db.connect();
      let instance: PgBoss;
      try {
        await lock.query("SELECT pg_advisory_lock($1)", [SETUP_LOCK]);
        await migrate(db, schema);
        instance = new PgBoss({
          db: { executeSql: (text: string, values: unknown[]) => db.query(text, values) },
          schema: `${schema}_jobs`,
          // Maintenance (expiring the steps of dead workers) runs in the workers: see worker.ts.
          supervise: false,
          schedule: false,
          migrate: true,
        });
        instance.on("error", () => {});
        await instance.start();
        const have = new Set((await instance.getQueues()).map((queue) => queue.name));
        const create = async (name: string, queue: Omit<PgBoss.Queue, "name">) => {
          if (!have.has(name)) await instance.createQueue(name, { name, ...queue });
        };
        await create(DEAD_STEP_QUEUE, { retryLimit: 0 });
        await create(STEP_QUEUE, {
          expireInSeconds: stepTimeoutSeconds,
          retryLimit: 8,
          retryDelay: 1,
          retryBackoff: true,
          deadLetter: DEAD_STEP_QUEUE,
        });
        await create(OUTCOME_QUEUE, { expireInSeconds: 15 * 60, retryLimit: 10, retryDelay: 1, retryBackoff: true });
      } finally {
        await lock.query("SELECT pg_advisory_unlock($1)", [SETUP_LOCK]).catch(() => {});
        lock.release();
      }
      boss = instance;
    })();
    started.catch(() => {
      started = undefined;
    });
    return started;
  };

  const ready = async () => {
    await start();
    return { db: getPool(), jobs: boss as PgBoss };
  };

  const enqueueAll = async (targets: readonly OperationTarget[], stepOptions: DurableStepOptions = {}) => {
    // Validate every target before anything is written: a bad one fails the call, not half of it.
    const refs = targets.map((target) => watcher.ref(target));
    // Only the plain-JSON options are stored: they travel to whichever worker runs each step.
    const stored: DurableStepOptions = {};
    for (const key of STORED_STEP_OPTIONS) {
      const value = stepOptions[key];
      if (value === undefined) continue;
      if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
        throw new ValidationError(`${key} must be a non-negative number, got ${String(value)}.`);
      }
      stored[key] = value;
    }
    const optionsJson = JSON.stringify(stored);
    const { db, jobs } = await ready();
    const results: EnqueueResult[] = [];
    for (let i = 0; i < refs.length; i += 1000) {
      const chunk = refs.slice(i, i + 1000);
      const ids = chunk.map(waitIdOf);
      const keys = chunk.map((ref) => (typeof watcher.pushbackKey === "function" ? watcher.pushbackKey(ref) : null));
      const client = await db.connect();
      try {
        await client.query("BEGIN");
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO ${schema}.waits (id, ref, options, pushback_key)
           SELECT id, ref, $3::jsonb, key FROM unnest($1::text[], $2::jsonb[], $4::text[]) AS t (id, ref, key)
           ON CONFLICT (id) DO NOTHING RETURNING id`,
          [ids, chunk.map((ref) => JSON.stringify(ref)), optionsJson, keys],
        );
        const created = new Set(rows.map((row) => row.id));
        if (created.size > 0) {
          await jobs.insert(
            [...created].map((id) => ({ id: stepJobId(id, 0), name: STEP_QUEUE, data: { w: id, s: 0 } })),
            { db: { executeSql: (text, values) => client.query(text, values) } },
          );
        }
        await client.query("COMMIT");
        chunk.forEach((ref, j) => {
          const id = ids[j] as string;
          // A ref listed twice in one call is created once.
          results.push({ id, ref, created: created.delete(id) });
        });
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    }
    return results;
  };

  const outcomes = async ({ after = 0, limit = 1000 }: OutcomeListOptions = {}) => {
    const { db } = await ready();
    const { rows } = await db.query<OutcomeRow>(
      `SELECT * FROM ${schema}.outcomes WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [after, limit],
    );
    return rows.map(fromRow);
  };

  async function* follow({ after = 0, signal, intervalMs = 1000 }: FollowOptions = {}): AsyncGenerator<Outcome> {
    const { db } = await ready();
    // LISTEN wakes us as soon as an outcome commits; the interval covers a lost notification.
    const listener = await db.connect();
    let wake: (() => void) | undefined;
    const onNotify = () => wake?.();
    listener.on("notification", onNotify);
    signal?.addEventListener("abort", onNotify);
    let cursor = after;
    try {
      await listener.query(`LISTEN ${schema}_outcomes`);
      while (!signal?.aborted) {
        const batch = await outcomes({ after: cursor, limit: 500 });
        for (const outcome of batch) {
          cursor = outcome.seq;
          yield outcome;
          if (signal?.aborted) return;
        }
        if (batch.length === 500) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, intervalMs);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wake = undefined;
      }
    } finally {
      signal?.removeEventListener("abort", onNotify);
      listener.off("notification", onNotify);
      await listener.query(`UNLISTEN ${schema}_outcomes`).catch(() => {});
      listener.release();
    }
  }

  const durable: DurableWatcher = {
    start,
    async enqueue(target, stepOptions) {
      const [result] = await enqueueAll([target], stepOptions);
      return result as EnqueueResult;
    },
    enqueueAll,
    async work(workOptions = {}) {
      if (typeof watcher.step !== "function" || typeof watcher.pushbackKey !== "function") {
        throw new TypeError("work() needs a watcher with step() and pushbackKey() (opwatch's createWatcher).");
      }
      // The pool is made on first use: size it for the worker before that.
      if (!pool && options.maxConnections === undefined)
        poolSize = Math.max(poolSize, (workOptions.concurrency ?? 16) + 4);
      const { db, jobs } = await ready();
      const worker = runWorker(
        {
          pool: db,
          boss: jobs,
          schema,
          watcher: watcher as StepWatcher,
          maxInFlightPerOrigin,
          outcomeQueue: options.outcomeQueue ?? true,
        },
        workOptions,
      );
      const stop = () => worker.stop();
      stoppers.add(stop);
      worker.stopped.finally(() => stoppers.delete(stop));
      return worker;
    },
    async outcome(idOrTarget) {
      const { db } = await ready();
      const id =
        typeof idOrTarget === "string" && /^[0-9a-f]{32}$/.test(idOrTarget)
          ? idOrTarget
          : waitIdOf(watcher.ref(idOrTarget));
      const { rows } = await db.query<OutcomeRow>(`SELECT * FROM ${schema}.outcomes WHERE wait_id = $1`, [id]);
      return rows[0] ? fromRow(rows[0]) : undefined;
    },
    outcomes,
    follow,
    async onOutcome(handler, { batchSize = 10, pollingIntervalSeconds = 0.5 } = {}) {
      if (typeof handler !== "function") throw new TypeError("onOutcome takes a function.");
      const { db, jobs } = await ready();
      const workerId = await jobs.work<{ w: string }>(
        OUTCOME_QUEUE,
        { batchSize, pollingIntervalSeconds },
        async (batch) => {
          const { rows } = await db.query<OutcomeRow>(
            `SELECT * FROM ${schema}.outcomes WHERE wait_id = ANY($1::text[]) ORDER BY seq`,
            [batch.map((job) => job.data.w)],
          );
          for (const row of rows) await handler(fromRow(row));
        },
      );
      const stop = async () => {
        stoppers.delete(stop);
        await jobs.offWork({ id: workerId });
      };
      stoppers.add(stop);
      return stop;
    },
    async counts() {
      const { db } = await ready();
      const { rows } = await db.query<{ waits: string; pending: string; outcomes: string }>(
        `SELECT (SELECT count(*) FROM ${schema}.waits) AS waits,
                (SELECT count(*) FROM ${schema}.waits WHERE done_at IS NULL) AS pending,
                (SELECT count(*) FROM ${schema}.outcomes) AS outcomes`,
      );
      const row = rows[0];
      return { waits: Number(row?.waits), pending: Number(row?.pending), outcomes: Number(row?.outcomes) };
    },
    async stop() {
      await Promise.all([...stoppers].map((stop) => stop()));
      if (started) await started.catch(() => {});
      await boss?.stop({ graceful: false, close: false, wait: true }).catch(() => {});
      boss = undefined;
      started = undefined;
      if (ownPool && pool) {
        const closing = pool;
        pool = undefined;
        await closing.end();
      }
    },
  };
  return durable;
}
