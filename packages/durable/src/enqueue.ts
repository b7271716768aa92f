// Storing waits: one row per operation and the job of its first poll step, in one transaction.
import { type OperationRef, ValidationError } from "opwatch";
import type pg from "pg";
import type PgBoss from "pg-boss";
import type { DurableStepOptions, StepWatcher } from "./contract.js";
import { stepJobId, waitIdOf } from "./ids.js";
import { STEP_QUEUE } from "./queues.js";

/** What {@link DurableWatcher.enqueue} stored: the wait's id, and whether it is new (the same operation twice is one wait). */
export interface EnqueueResult {
  /** The wait's id (a hash of the ref: the same operation always has the same id). */
  id: string;
  ref: OperationRef;
  /** False when the ref was already enqueued (then nothing was written). */
  created: boolean;
}

/** Only these, plain JSON, are stored: they travel to whichever worker runs each step. */
const STORED_STEP_OPTIONS = ["maxWaitMs", "minDelayMs", "maxDelayMs", "ageRatio", "maxConsecutiveFailures"] as const;

/** The step options to store, checked: a bad one fails the call before anything is written. */
export function storedStepOptions(stepOptions: DurableStepOptions): DurableStepOptions {
  const stored: DurableStepOptions = {};
  for (const key of STORED_STEP_OPTIONS) {
    const value = stepOptions[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
      throw new ValidationError(`${key} must be a non-negative number, got ${String(value)}.`);
    }
    stored[key] = value;
  }
  return stored;
}

/**
 * Writes the waits of `refs` (already validated) that are not stored yet, each with the job of its first
 * step, in one transaction per thousand.
 */
export async function storeWaits(
  { db, jobs, schema, watcher }: { db: pg.Pool; jobs: PgBoss; schema: string; watcher: Partial<StepWatcher> },
  refs: readonly OperationRef[],
  stored: DurableStepOptions,
): Promise<EnqueueResult[]> {
  const optionsJson = JSON.stringify(stored);
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
}
