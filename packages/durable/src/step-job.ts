// The poll step job handler: loads the wait, drops a stale copy of a step, waits out another worker's
// pushback, takes a slot of the operation's origin, runs the facade's step (one read), and writes
// what it decided.
import type { OperationRef } from "opwatch";
import type { PoolClient } from "pg";
import type PgBoss from "pg-boss";
import type { DurableContext, StepJob } from "./context.js";
import type { DurableStepOptions, PollState, StepOutcome } from "./contract.js";
import { pushbackDelayMs, pushbackMs } from "./pushback.js";
import { STEP_QUEUE } from "./queues.js";
import { Deferred, type OriginSlots, SlotLease } from "./slots.js";
import { continueWait, deferStep, endWait } from "./transitions.js";
import type { WorkerEvent } from "./worker-events.js";

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

/** What a step handler shares with its worker. */
export interface StepRun {
  slots: OriginSlots;
  stats: { steps: number; outcomes: number; deferred: number; stale: number };
  emit: (event: WorkerEvent) => void;
  stopping: () => boolean;
}

/** Runs one step job; throws when the job should be retried (pg-boss does, after a backoff). */
export function stepHandler(context: DurableContext, run: StepRun): (job: PgBoss.Job<StepJob>) => Promise<void> {
  const { pool, boss, schema, watcher } = context;
  const { slots, stats, emit } = run;

  const defer = async (client: PoolClient, job: PgBoss.Job<StepJob>, deferred: Deferred) => {
    if (await deferStep(context, client, job, deferred.delayMs)) {
      stats.deferred += 1;
      emit({ type: "deferred", waitId: job.data.w, reason: deferred.reason, delayMs: deferred.delayMs });
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

  return async (job) => {
    const { w: waitId, s: seq } = job.data;
    const client = await pool.connect();
    // A checked-out client whose connection dies emits "error"; the query in flight rejects anyway.
    client.on("error", ignore);
    const lease = new SlotLease(slots, client);
    let broken = false;
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
        [waitId, seq, slots.hasRoom, slots.max],
      );
      const row = rows[0];
      const origin = row?.origin ?? 0;
      if (row?.slot != null && row.slot >= 0) lease.hold(origin, row.slot);
      if (!row || row.seq !== seq || row.done) {
        // A copy of a step that already ran (a retried job after its worker's commit): drop it.
        stats.stale += 1;
        await boss.deleteJob(STEP_QUEUE, job.id, { db: { executeSql: (text, values) => client.query(text, values) } });
        return;
      }
      const ref = row.ref;
      const key = watcher.pushbackKey(ref);
      const pushedMs = row.pushback_key === key ? Number(row.pushed_ms ?? 0) : await pushbackMs(client, schema, key);
      if (pushedMs > 0) {
        // Another worker saw this origin push back: wait it out.
        await lease.release();
        await defer(client, job, new Deferred("pushback", pushbackDelayMs(pushedMs)));
        return;
      }
      if (!lease.held) {
        try {
          await lease.admit(origin, run.stopping);
        } catch (error) {
          if (error instanceof Deferred) {
            await defer(client, job, error);
            return;
          }
          throw error;
        }
      }
      let outcome: StepOutcome;
      try {
        outcome = await stepSafely(ref, row.state ?? undefined, row.options);
      } finally {
        await lease.release();
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
      if (lease.broken) throw new Error("lost the database connection during a step");
      if (outcome.kind === "pending") {
        await continueWait(context, client, job, key, outcome);
        return;
      }
      const { recorded, kind } = await endWait(context, client, job, key, outcome);
      if (recorded) {
        stats.outcomes += 1;
        emit({ type: "outcome", waitId, kind, ref });
      }
    } catch (error) {
      broken ||= isConnectionError(error);
      throw error;
    } finally {
      await lease.release();
      client.off("error", ignore);
      client.release(broken || lease.broken);
    }
  };
}

function ignore() {}

function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: string })?.code;
  return typeof code === "string" && (code.startsWith("08") || code === "57P01" || code === "ECONNRESET");
}
