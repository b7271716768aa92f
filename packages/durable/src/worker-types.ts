// The worker's options and handle, and the rows it claims and commits.
import type { OperationRef } from "opwatch";
import type pg from "pg";
import type { DurableStepOptions, PollState, StepWatcher } from "./contract.js";
import type { WorkerEvent } from "./worker-events.js";

/** Options of {@link DurableWatcher.work}: how many steps at once, and what to report. */
export interface WorkOptions {
  /** Poll steps this process runs at once (default 16). */
  concurrency?: number;
  /** How often to look for due steps when none were found (default 250 ms). */
  pollIntervalMs?: number;
  /** How often this process prunes ended waits past the retention (default 60 s; see `retentionDays`). */
  maintenanceIntervalMs?: number;
  /**
   * The providers this worker polls (default: every provider its watcher has). Waits of the others are
   * left to workers that can poll them; say which providers have credentials here.
   */
  providers?: readonly string[];
  /** Called with what the worker does, for logs, progress output and metrics. */
  onEvent?: (event: WorkerEvent) => void;
}

/** A running worker: stop it to finish the steps in flight and release the database. */
export interface DurableWorker {
  /** Counts since this worker started. */
  readonly stats: {
    steps: number;
    outcomes: number;
    deferred: number;
    stale: number;
    errors: number;
    claims: number;
    commits: number;
  };
  /** Providers this worker stopped polling because its watcher cannot (not registered, no credentials). */
  readonly unpollable: ReadonlySet<string>;
  /** Resolves when the worker has stopped. */
  readonly stopped: Promise<void>;
  /** Stops taking steps, waits for the ones in flight (each at most one read) and commits them. */
  stop(): Promise<void>;
}

/** What a worker needs from its durable watcher. */
export interface WorkerContext {
  pool: pg.Pool;
  schema: string;
  watcher: StepWatcher;
  maxInFlightPerOrigin: number;
  stepTimeoutMs: number;
  /** Ended waits older than this are pruned by the workers' maintenance (undefined: never). */
  retentionMs: number | undefined;
}

/** A step claimed by claim_steps. */
export interface ClaimedRow {
  id: string;
  seq: number;
  ref: OperationRef;
  options: DurableStepOptions | null;
  state: PollState | null;
  pushback_key: string | null;
  origin: string;
  slot: number | null;
  put_off: "pushback" | "admission" | null;
  put_off_ms: number | null;
}

/** One step's result, as commit_steps reads it. */
export interface StepResult {
  id: string;
  seq: number;
  origin: string;
  slot: number | null;
  done: boolean;
  state: PollState | null;
  /** The last status, when it changed since the claim (else the wait's stays). */
  last?: unknown;
  delay_ms: number;
  reads: number;
  failed: boolean;
  kind?: string;
  status?: unknown;
  error?: unknown;
}

export type WorkerStats = DurableWorker["stats"];
