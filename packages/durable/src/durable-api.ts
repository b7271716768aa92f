// The durable watcher's options and methods.
import type { OperationTarget } from "opwatch";
import type pg from "pg";
import type { DurableStepOptions, StepWatcher } from "./contract.js";
import type { EnqueueResult } from "./enqueue.js";
import type { DurableStats, RetryOptions, WaitInfo, WaitListOptions } from "./operations.js";
import type { Outcome } from "./outcome.js";
import type { FollowOptions, OnOutcomeOptions, OutcomeListOptions } from "./outcome-log.js";
import type { DurableWorker, WorkOptions } from "./worker.js";

/** Options of {@link createDurableWatcher}: the watcher that polls, and the Postgres database to keep the waits in. */
export interface DurableWatcherOptions {
  /** The opwatch watcher whose providers read the operations. Workers call its `step` and
   * `pushbackKey`; a process that only enqueues needs no more than `ref`. */
  watcher: Pick<StepWatcher, "ref"> & Partial<StepWatcher>;
  /** Postgres connection string, e.g. `process.env.DATABASE_URL`. */
  connectionString?: string;
  /** Or a pool you own (then `stop()` leaves it open, and its timeouts are yours to set). */
  pool?: pg.Pool;
  /** Connections in the pool this watcher opens (default 4; a worker needs 2, a follower 1 more). */
  maxConnections?: number;
  /** Give up connecting after this long (default 10 s). */
  connectTimeoutMs?: number;
  /** Cancel a statement that runs longer than this (default 30 s), and a transaction left idle as long. */
  statementTimeoutMs?: number;
  /** Schema of the durable tables (default `opwatch`). */
  schema?: string;
  /** Requests in flight to one origin, across every worker sharing the database (default 16). */
  maxInFlightPerOrigin?: number;
  /**
   * A step held longer than this by a worker is taken to be lost (the worker was killed or cut off)
   * and runs again on another (default 60 s; keep it above the request timeout).
   */
  stepTimeoutSeconds?: number;
  /** Workers delete ended waits and their outcomes this many days after they ended (default: keep them). */
  retentionDays?: number;
}

/** Durable waits on one database: enqueue them, run workers, and read or follow how each ended. */
export interface DurableWatcher {
  /** Creates or upgrades the tables if needed. Every other method calls it first. */
  start(): Promise<void>;
  /**
   * Stores the wait, due at once, and returns without polling. The target is checked first (a provider
   * and endpoint of the watcher, exactly its parameters, a host the watcher may send credentials to).
   */
  enqueue(target: OperationTarget, options?: DurableStepOptions): Promise<EnqueueResult>;
  /** The same for many targets: every one checked before any is written; one statement per thousand. */
  enqueueAll(targets: readonly OperationTarget[], options?: DurableStepOptions): Promise<EnqueueResult[]>;
  /** Runs poll steps in this process until `stop()` of the returned worker (or of this watcher). */
  work(options?: WorkOptions): Promise<DurableWorker>;
  /** The outcome of one wait (by id or target), if it has ended. */
  outcome(idOrTarget: string | OperationTarget): Promise<Outcome | undefined>;
  /** Outcomes in `seq` order, which is the order they committed: a cursor (`after`) skips none. */
  outcomes(options?: OutcomeListOptions): Promise<Outcome[]>;
  /** Yields each outcome after `after` as it is recorded, until the signal aborts. */
  follow(options?: FollowOptions): AsyncIterableIterator<Outcome>;
  /**
   * Calls `handler` once per outcome, in order, under a cursor kept in the database by name: delivery
   * survives restarts and is at least once (a handler that throws, or a process that dies in it, gets
   * the outcome again; use `outcome.waitId` to make it idempotent). Resolves with a function that stops
   * consuming (safe to call from inside the handler).
   */
  onOutcome(
    handler: (outcome: Outcome) => Promise<void> | void,
    options?: OnOutcomeOptions,
  ): Promise<() => Promise<void>>;
  /** Stored waits, oldest first: pending ones by default, by provider, by age. */
  waits(options?: WaitListOptions): Promise<WaitInfo[]>;
  /** Ends pending waits with a `canceled` outcome (error `WaitCanceled`); returns the ids ended. */
  cancel(idsOrTargets: readonly (string | OperationTarget)[]): Promise<string[]>;
  /** Starts ended waits again (by default those that ended in `error`); returns the ids started again. */
  retry(options?: RetryOptions): Promise<string[]>;
  /** Deletes ended waits, with their outcomes, that ended at least `olderThanMs` ago; returns how many. */
  prune(options: { olderThanMs: number }): Promise<number>;
  /** Counts: waits stored, waits still pending, outcomes recorded. */
  counts(): Promise<{ waits: number; pending: number; outcomes: number }>;
  /** Counts, backlog, lag and throughput, for an operator or a metrics exporter. */
  stats(): Promise<DurableStats>;
  /** Stops the workers and consumers of this watcher and closes the pool it opened. */
  stop(): Promise<void>;
}
