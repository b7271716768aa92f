// Storing waits: one row per operation, due at once, written in the order of their ids so that two
// processes enqueuing the same operations never deadlock.
import { type OperationRef, ValidationError } from "opwatch";
import type pg from "pg";
import type { DurableStepOptions, StepWatcher } from "./contract.js";
import { originOf, waitIdOf } from "./ids.js";

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

/** A ref checked and ready to store. */
export interface StoredRef {
  id: string;
  ref: OperationRef;
  key: string | null;
}

/** The refs to store, each checked by the watcher (provider, endpoint, params, host) and given its id. */
export function checkedRefs(watcher: Pick<StepWatcher, "ref"> & Partial<StepWatcher>, targets: readonly unknown[]) {
  return targets.map((target): StoredRef => {
    const ref = watcher.ref(target as never);
    const key = typeof watcher.pushbackKey === "function" ? watcher.pushbackKey(ref) : null;
    return { id: waitIdOf(ref), ref, key };
  });
}

/**
 * Writes the waits that are not stored yet, due at once, in one transaction per thousand (in id order
 * across the whole call), and wakes the workers.
 */
export async function storeWaits(
  db: pg.Pool,
  schema: string,
  refs: readonly StoredRef[],
  stored: DurableStepOptions,
): Promise<EnqueueResult[]> {
  const optionsJson = JSON.stringify(stored);
  const unique = [...new Map(refs.map((ref) => [ref.id, ref])).values()].sort((a, b) =>
    a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
  );
  const created = new Set<string>();
  for (let i = 0; i < unique.length; i += 1000) {
    const chunk = unique.slice(i, i + 1000);
    const { rows } = await db.query<{ id: string }>(
      `WITH added AS (
         INSERT INTO ${schema}.waits (id, provider, ref, options, origin, pushback_key, due_at)
         SELECT t.id, t.ref ->> 'provider', t.ref, $3::jsonb, t.origin, t.key, now()
           FROM unnest($1::text[], $2::jsonb[], $4::text[], $5::text[]) AS t (id, ref, key, origin)
          ORDER BY t.id
         ON CONFLICT (id) DO NOTHING RETURNING id)
       SELECT id, pg_notify('${schema}_due', '') IS NULL AS woke FROM added`,
      [
        chunk.map((ref) => ref.id),
        chunk.map((ref) => JSON.stringify(ref.ref)),
        optionsJson,
        chunk.map((ref) => ref.key),
        chunk.map((ref) => originOf(ref.ref.baseUrl)),
      ],
    );
    for (const row of rows) created.add(row.id);
  }
  // A ref listed twice in one call is created once.
  return refs.map(({ id, ref }) => ({ id, ref, created: created.delete(id) }));
}
