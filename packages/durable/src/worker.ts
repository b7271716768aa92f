// The worker: claims due steps in batches (one statement), runs each step's read with no database
// connection held, and commits the results in batches (one statement). See schema.ts for both.
import { type OperationRef, TimeoutError } from "opwatch";
import { CommitBatches } from "./commit-batch.js";
import type { PollState, StepOutcome } from "./contract.js";
import { errorJson, outcomeOf } from "./outcome.js";
import { LocalPushback, PUSHBACK_SPREAD_MS, pushbackDelayMs } from "./pushback.js";
import type { WorkerEvent } from "./worker-events.js";
import type { ClaimedRow, DurableWorker, StepResult, WorkerContext, WorkOptions } from "./worker-types.js";

export type { DurableWorker, WorkerContext, WorkOptions } from "./worker-types.js";

/** A step claimed this many times without a commit (it breaks or kills every worker) ends in `error`. */
const MAX_ATTEMPTS = 8;
/** Waits of a provider this worker cannot poll are handed back, due again after this long. */
const HAND_BACK_MS = 30_000;

/**
 * The state as a wait stores it between steps: its last status apart (a column of its own, written only
 * when it changed since the claim, see migration 2), and without the raw body.
 */
export function storedState(state: PollState | null, claimed: ClaimedRow): { state: PollState | null; last: unknown } {
  if (!state) return { state, last: undefined };
  const { last, ...rest } = state;
  if (last === undefined || last === null || typeof last !== "object") return { state: rest as PollState, last };
  const { raw: _raw, ...normalized } = last as { raw?: unknown };
  const same = claimed.state?.last !== undefined && sameJson(normalized, claimed.state.last);
  return { state: rest as PollState, last: same ? undefined : withoutOwnRef(normalized, claimed.ref) };
}

/** A status as stored: without its ref when that is the wait's own (read back with it). */
export function withoutOwnRef(status: unknown, own: OperationRef): unknown {
  if (status === null || typeof status !== "object" || !sameJson((status as { ref?: unknown }).ref, own)) return status;
  const { ref: _ref, ...rest } = status as { ref?: unknown };
  return rest;
}

/** Equal as JSON values (key order aside). */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameJson((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

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

  const refs = new Map<string, OperationRef>();
  const commits = new CommitBatches(context, { stats, emit, refs, inFlight: () => inFlight }, () => {
    // The commit gave the batch's request slots back: claim again now rather than find them taken.
    if (concurrency - inFlight >= refill) wake?.();
  });

  // --- steps -----------------------------------------------------------------------------------------

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

  const result = (row: ClaimedRow, rest: Omit<StepResult, "id" | "seq" | "origin" | "slot" | "last">): StepResult => ({
    id: row.id,
    seq: row.seq,
    origin: row.origin,
    slot: row.slot,
    ...rest,
    ...storedState(rest.state, row),
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
      commits.share(outcome.pushback.key, Math.max(0, outcome.pushback.untilMs - Date.now()));
    }
    if (outcome.kind === "pending") {
      return result(row, { done: false, state: outcome.state, delay_ms: outcome.delayMs, reads, failed: false });
    }
    const { kind, status, error } = outcomeOf(outcome);
    refs.set(row.id, row.ref);
    // The wait's row keeps its state as it was: the outcome holds the final status.
    return {
      ...result(row, { done: true, state: null, delay_ms: 0, reads, failed: false, kind, error }),
      status: withoutOwnRef(status, row.ref),
    };
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
        commits.settle(done);
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
    while (inFlight > 0 || commits.busy) {
      await (commits.drain() ?? new Promise((resolve) => setTimeout(resolve, 10)));
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
