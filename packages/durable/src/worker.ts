// The worker: claims due steps in batches (one statement), runs each step's read with no database
// connection held, and commits the results in batches (one statement). See schema.ts for both.
import { TimeoutError } from "opwatch";
import type pg from "pg";
import type { DurableStepOptions, PollState, StepOutcome, StepWatcher } from "./contract.js";
import { errorJson, outcomeOf } from "./outcome.js";
import { LocalPushback, PUSHBACK_SPREAD_MS, pushbackDelayMs } from "./pushback.js";
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
interface ClaimedRow {
  id: string;
  seq: number;
  ref: import("opwatch").OperationRef;
  options: DurableStepOptions | null;
  state: PollState | null;
  pushback_key: string | null;
  origin: string;
  slot: number | null;
  put_off: "pushback" | "admission" | null;
  put_off_ms: number | null;
}

/** One step's result, as commit_steps reads it. */
interface StepResult {
  id: string;
  seq: number;
  origin: string;
  slot: number | null;
  done: boolean;
  state: PollState | null;
  delay_ms: number;
  reads: number;
  failed: boolean;
  kind?: string;
  status?: unknown;
  error?: unknown;
}

/** A step claimed this many times without a commit (it breaks or kills every worker) ends in `error`. */
const MAX_ATTEMPTS = 8;
/** A batch of results is committed when it is this big, or this long after its first result. */
const COMMIT_BATCH = 64;
const COMMIT_DELAY_MS = 5;
/** Waits of a provider this worker cannot poll are handed back, due again after this long. */
const HAND_BACK_MS = 30_000;

export function runWorker(context: WorkerContext, options: WorkOptions): DurableWorker {
  const { pool, schema, watcher } = context;
  const concurrency = options.concurrency ?? 16;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new TypeError(`concurrency must be a positive integer, got ${concurrency}.`);
  }
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const maintenanceIntervalMs = options.maintenanceIntervalMs ?? 60_000;
  const providers = options.providers === undefined ? null : [...options.providers];
  const emit = (event: WorkerEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // A logging callback must not break a step.
    }
  };
  const stats = { steps: 0, outcomes: 0, deferred: 0, stale: 0, errors: 0, claims: 0, commits: 0 };
  const unpollable = new Set<string>();
  const pushback = new LocalPushback();
  const refill = Math.max(1, Math.ceil(concurrency / 4));
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

  // --- commits: results are batched, and one commit is in flight at a time -------------------------
  let pending: StepResult[] = [];
  let pushbacks: { key: string; ms: number }[] = [];
  let committing: Promise<void> | undefined;
  let commitTimer: ReturnType<typeof setTimeout> | undefined;

  const commit = async (batch: StepResult[], shared: { key: string; ms: number }[]) => {
    const started = performance.now();
    // A commit lost to a dropped connection or a restarting server is sent again (it is idempotent:
    // seq must still match); after the step lease nothing is lost either, the steps run again.
    for (let attempt = 0; ; attempt += 1) {
      try {
        const { rows } = await pool.query<{ applied: string[] | null; recorded: string[] | null }>(
          `SELECT * FROM ${schema}.commit_steps($1::jsonb, $2::jsonb)`,
          [JSON.stringify(batch), JSON.stringify(shared)],
        );
        const applied = new Set(rows[0]?.applied ?? []);
        const recorded = new Set(rows[0]?.recorded ?? []);
        stats.commits += 1;
        stats.stale += batch.length - applied.size;
        stats.outcomes += recorded.size;
        emit({
          type: "committed",
          steps: batch.length,
          outcomes: recorded.size,
          stale: batch.length - applied.size,
          ms: performance.now() - started,
        });
        for (const result of batch) {
          if (recorded.has(result.id)) {
            emit({ type: "outcome", waitId: result.id, ref: refs.get(result.id) ?? null, kind: result.kind as never });
          }
          refs.delete(result.id);
        }
        return;
      } catch (error) {
        stats.errors += 1;
        emit({ type: "error", error: errorJson(error) });
        if (performance.now() - started > context.stepTimeoutMs) {
          for (const result of batch) refs.delete(result.id);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 100 * 2 ** attempt)));
      }
    }
  };

  const flush = () => {
    if (commitTimer) clearTimeout(commitTimer);
    commitTimer = undefined;
    if (committing || pending.length === 0) return;
    const batch = pending;
    const shared = pushbacks;
    pending = [];
    pushbacks = [];
    committing = commit(batch, shared).finally(() => {
      committing = undefined;
      // The commit gave the batch's request slots back: claim again now rather than find them taken.
      if (concurrency - inFlight >= refill) wake?.();
      if (pending.length >= COMMIT_BATCH || (pending.length > 0 && inFlight === 0)) flush();
      else if (pending.length > 0) commitTimer ??= setTimeout(flush, COMMIT_DELAY_MS);
    });
  };

  const settle = (result: StepResult) => {
    pending.push(result);
    if (pending.length >= COMMIT_BATCH || inFlight === 0) flush();
    else commitTimer ??= setTimeout(flush, COMMIT_DELAY_MS);
  };

  // --- steps -----------------------------------------------------------------------------------------
  const refs = new Map<string, import("opwatch").OperationRef>();

  const handBack = (row: ClaimedRow, why: unknown) => {
    const provider = row.ref.provider;
    if (!unpollable.has(provider)) {
      unpollable.add(provider);
      emit({ type: "unpollable", provider, reason: errorJson(why).message });
    }
    stats.deferred += 1;
    emit({ type: "deferred", waitId: row.id, reason: "unpollable", delayMs: HAND_BACK_MS });
    return result(row, { done: false, state: row.state, delay_ms: HAND_BACK_MS, reads: 0, failed: false });
  };

  const result = (row: ClaimedRow, rest: Omit<StepResult, "id" | "seq" | "origin" | "slot">): StepResult => ({
    id: row.id,
    seq: row.seq,
    origin: row.origin,
    slot: row.slot,
    ...rest,
  });

  const runStep = async (row: ClaimedRow): Promise<StepResult> => {
    const key = row.pushback_key ?? safeKey(row);
    // Checked right before the read: a pushback another step of this process heard since the claim.
    const waitMs = key ? pushback.remainingMs(key) : 0;
    if (waitMs > 0) {
      const delayMs = pushbackDelayMs(waitMs);
      stats.deferred += 1;
      emit({ type: "deferred", waitId: row.id, reason: "pushback", delayMs });
      return result(row, { done: false, state: row.state, delay_ms: delayMs, reads: 0, failed: false });
    }
    const before = row.state?.attempt ?? 0;
    const started = performance.now();
    let outcome: StepOutcome;
    try {
      outcome = await watcher.step(row.ref, row.state ?? undefined, row.options ?? {});
    } catch (error) {
      // A ref this watcher refuses (a provider it does not have, a host it was not given) is some other
      // worker's to poll.
      if ((error as { name?: string })?.name === "ValidationError") return handBack(row, error);
      stats.errors += 1;
      emit({ type: "error", error: errorJson(error) });
      return result(row, { done: false, state: row.state, delay_ms: 1000, reads: 0, failed: true });
    }
    const reads = Math.max(0, (outcome.state?.attempt ?? before) - before);
    // An error that no answer caused (this process has no credentials for the provider: its token
    // function failed) says nothing of the operation: the wait is handed back, for a worker that can.
    if (outcome.kind === "error" && !(outcome.error instanceof TimeoutError)) {
      const error = errorJson(outcome.error);
      if (reads === 0 || (error.name === "AuthError" && error.httpStatus === undefined)) {
        return handBack(row, outcome.error);
      }
    }
    stats.steps += 1;
    emit({
      type: "step",
      waitId: row.id,
      ref: row.ref,
      outcome: outcome.kind,
      ms: performance.now() - started,
      ...(outcome.kind === "pending" ? { delayMs: outcome.delayMs } : {}),
      ...(outcome.kind !== "error" && outcome.status ? { state: outcome.status.state } : {}),
    });
    if (outcome.kind !== "done" && outcome.pushback) {
      pushback.record(outcome.pushback.key, outcome.pushback.untilMs);
      pushbacks.push({ key: outcome.pushback.key, ms: Math.max(0, outcome.pushback.untilMs - Date.now()) });
    }
    if (outcome.kind === "pending") {
      return result(row, { done: false, state: outcome.state, delay_ms: outcome.delayMs, reads, failed: false });
    }
    const { kind, status, error } = outcomeOf(outcome);
    refs.set(row.id, row.ref);
    return result(row, { done: true, state: outcome.state, delay_ms: 0, reads, failed: false, kind, status, error });
  };

  const safeKey = (row: ClaimedRow): string | undefined => {
    try {
      return watcher.pushbackKey(row.ref);
    } catch {
      return undefined;
    }
  };

  const start = (row: ClaimedRow) => {
    inFlight += 1;
    void runStep(row)
      .catch((error: unknown): StepResult => {
        stats.errors += 1;
        emit({ type: "error", error: errorJson(error) });
        return result(row, { done: false, state: row.state, delay_ms: 1000, reads: 0, failed: true });
      })
      .then((done) => {
        inFlight -= 1;
        settle(done);
      });
  };

  // --- claims ----------------------------------------------------------------------------------------
  const claim = async (n: number): Promise<ClaimedRow[]> => {
    const started = performance.now();
    const { rows } = await pool.query<ClaimedRow>(
      `SELECT * FROM ${schema}.claim_steps($1, $2::text[], $3::text[], $4, $5, $6, $7)`,
      [
        n,
        providers,
        [...unpollable],
        context.stepTimeoutMs,
        context.maxInFlightPerOrigin,
        MAX_ATTEMPTS,
        PUSHBACK_SPREAD_MS,
      ],
    );
    stats.claims += 1;
    emit({ type: "claimed", steps: rows.length, ms: performance.now() - started });
    return rows;
  };

  const maintain = async () => {
    if (context.retentionMs === undefined) return;
    await pool.query(
      `DELETE FROM ${schema}.waits WHERE id IN (
         SELECT id FROM ${schema}.waits WHERE done_at < now() - $1 * interval '1 millisecond' LIMIT 5000)`,
      [context.retentionMs],
    );
    await pool.query(`DELETE FROM ${schema}.pushback WHERE until_at < now() - interval '1 hour'`);
  };
  const maintenance = setInterval(() => {
    maintain().catch((error: unknown) => emit({ type: "error", error: errorJson(error) }));
  }, maintenanceIntervalMs);
  maintenance.unref?.();

  const loop = async () => {
    let failures = 0;
    while (!stopping) {
      const free = concurrency - inFlight;
      if (free < refill) {
        await nap(pollIntervalMs);
        continue;
      }
      let rows: ClaimedRow[] = [];
      try {
        rows = await claim(free);
        failures = 0;
      } catch (error) {
        // The database is down or restarting: keep trying, less often.
        failures += 1;
        stats.errors += 1;
        emit({ type: "error", error: errorJson(error) });
        await nap(Math.min(5000, pollIntervalMs * 2 ** failures));
        continue;
      }
      let started = 0;
      for (const row of rows) {
        if (row.put_off) {
          stats.deferred += 1;
          emit({ type: "deferred", waitId: row.id, reason: row.put_off, delayMs: Number(row.put_off_ms ?? 0) });
        } else {
          started += 1;
          start(row);
        }
      }
      if (started < free) await nap(pollIntervalMs);
    }
    clearInterval(maintenance);
    while (inFlight > 0 || committing || pending.length > 0) {
      if (!committing) flush();
      await (committing ?? new Promise((resolve) => setTimeout(resolve, 10)));
    }
  };

  const stopped = loop();
  return {
    stats,
    unpollable,
    stopped,
    async stop() {
      stopping = true;
      wake?.();
      await stopped;
    },
  };
}
