// The durable watcher: checks its options, owns the pool (unless given one) and the pg-boss instance,
// and hands each method to the module that does its job.
import type { OperationTarget } from "opwatch";
import pg from "pg";
import type PgBoss from "pg-boss";
import type { DurableStepOptions, StepWatcher } from "./contract.js";
import { type EnqueueResult, storedStepOptions, storeWaits } from "./enqueue.js";
import { waitIdOf } from "./ids.js";
import type { Outcome } from "./outcome.js";
import {
  consumeOutcomes,
  type FollowOptions,
  findOutcome,
  followOutcomes,
  listOutcomes,
  type OutcomeListOptions,
} from "./outcome-log.js";
import { startJobs } from "./queues.js";
import { assertSchemaName } from "./schema.js";
import { type DurableWorker, runWorker, type WorkOptions } from "./worker.js";

/** Options of {@link createDurableWatcher}: the watcher that polls, and the Postgres database to keep the waits in. */
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

/** Durable waits on one database: enqueue them, run workers, and read or follow how each ended. */
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

/**
 * Makes a durable watcher: waits kept in Postgres that survive restarts and spread over any number of
 * workers, each ending with exactly one outcome record.
 *
 * @example
 * ```ts
 * const durable = createDurableWatcher({ watcher, connectionString: process.env.DATABASE_URL });
 * await durable.enqueue(statusUrl, { maxWaitMs: 3_600_000 }); // in the app
 * const worker = await durable.work({ concurrency: 16 }); // in each worker process
 * ```
 */
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
      boss = await startJobs(getPool(), schema, stepTimeoutSeconds);
    })();
    started.catch(() => {
      started = undefined;
    });
    return started;
  };

  const ready = async () => {
    await start();
    return { db: getPool(), jobs: boss as PgBoss, schema };
  };

  const enqueueAll = async (targets: readonly OperationTarget[], stepOptions: DurableStepOptions = {}) => {
    // Validate every target and option before anything is written: a bad one fails the call, not half of it.
    const refs = targets.map((target) => watcher.ref(target));
    const stored = storedStepOptions(stepOptions);
    return storeWaits({ ...(await ready()), watcher }, refs, stored);
  };

  const outcomes = async (listOptions?: OutcomeListOptions) => {
    const { db } = await ready();
    return listOutcomes(db, schema, listOptions);
  };

  async function* follow(followOptions?: FollowOptions): AsyncGenerator<Outcome> {
    const { db } = await ready();
    yield* followOutcomes(db, schema, outcomes, followOptions);
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
      return findOutcome(db, schema, id);
    },
    outcomes,
    follow,
    async onOutcome(handler, { batchSize = 10, pollingIntervalSeconds = 0.5 } = {}) {
      if (typeof handler !== "function") throw new TypeError("onOutcome takes a function.");
      const ctx = await ready();
      const workerId = await consumeOutcomes(ctx, handler, { batchSize, pollingIntervalSeconds });
      const stop = async () => {
        stoppers.delete(stop);
        await ctx.jobs.offWork({ id: workerId });
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
