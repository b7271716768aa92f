// What an operator does with the stored waits: list them, cancel or retry some, prune the old ones, and
// read counts and throughput.
import type { OperationRef } from "opwatch";
import type pg from "pg";
import { outcomeLock } from "./schema.js";

/** Which waits {@link DurableWatcher.waits} lists. */
export interface WaitListOptions {
  /** `pending` (default), `ended`, or `all`. */
  state?: "pending" | "ended" | "all";
  provider?: string;
  /** Only waits enqueued at least this long ago. */
  olderThanMs?: number;
  /** At most this many, oldest first (default 100). */
  limit?: number;
}

/** One stored wait, as an operator sees it. */
export interface WaitInfo {
  id: string;
  provider: string;
  ref: OperationRef;
  enqueuedAt: Date;
  /** When its next step is due (null once it has ended). */
  dueAt: Date | null;
  endedAt: Date | null;
  /** Reads sent so far. */
  requests: number;
  /** The last state seen (`running`, …), or null before the first answer. */
  lastState: string | null;
}

/** Which ended waits `retry` starts again. */
export interface RetryOptions {
  /** These waits (ids, status URLs or refs), whatever their outcome. */
  ids?: readonly (string | OperationRef)[];
  /** Or every ended wait with one of these outcomes (default `["error"]` when no ids are given). */
  kinds?: readonly string[];
  provider?: string;
}

/** The state of a durable store at a glance: waits, backlog and lag, for dashboards and alerts. */
export interface DurableStats {
  waits: number;
  pending: number;
  /** Pending steps already due: the backlog the workers have not reached. */
  due: number;
  /** How late the most overdue step is, in ms (0 when none is due). */
  lagMs: number;
  /** Age of the oldest pending wait, in ms (0 when none). */
  oldestPendingMs: number;
  outcomes: number;
  /** Outcomes recorded in the last minute and the last hour, by kind. */
  lastMinute: Record<string, number>;
  lastHour: Record<string, number>;
  /** Outcomes per second over the last five minutes. */
  outcomesPerSecond: number;
  byProvider: Record<string, { pending: number; ended: number }>;
}

interface WaitRow {
  id: string;
  provider: string | null;
  ref: OperationRef;
  enqueued_at: Date;
  due_at: Date | null;
  done_at: Date | null;
  requests: number;
  last_state: string | null;
}

export async function listWaits(db: pg.Pool, schema: string, options: WaitListOptions = {}): Promise<WaitInfo[]> {
  const { state = "pending", provider, olderThanMs, limit = 100 } = options;
  if (!["pending", "ended", "all"].includes(state)) {
    throw new TypeError(`state must be pending, ended or all, got ${String(state)}.`);
  }
  const { rows } = await db.query<WaitRow>(
    `SELECT id, provider, ref, enqueued_at, due_at, done_at, requests,
            coalesce((SELECT o.status ->> 'state' FROM ${schema}.outcomes o WHERE o.wait_id = w.id), last ->> 'state') AS last_state
       FROM ${schema}.waits w
      WHERE ($1 = 'all' OR ($1 = 'pending') = (done_at IS NULL))
        AND ($2::text IS NULL OR provider = $2)
        AND ($3::double precision IS NULL OR enqueued_at <= now() - $3 * interval '1 millisecond')
      ORDER BY enqueued_at, id LIMIT $4`,
    [state, provider ?? null, olderThanMs ?? null, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    provider: row.provider ?? row.ref.provider,
    ref: row.ref,
    enqueuedAt: row.enqueued_at,
    dueAt: row.due_at,
    endedAt: row.done_at,
    requests: row.requests,
    lastState: row.last_state,
  }));
}

/**
 * Ends pending waits now, each with a `canceled` outcome whose error says an operator canceled the wait
 * (the operation itself is left alone). A step in flight is then dropped at its commit. Returns the ids
 * ended (a wait that had already ended is left as it was).
 */
export async function cancelWaits(db: pg.Pool, schema: string, ids: readonly string[]): Promise<string[]> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ id: string }>(
      `WITH locked AS (SELECT id FROM ${schema}.waits WHERE id = ANY ($1::text[]) AND done_at IS NULL ORDER BY id FOR UPDATE)
       UPDATE ${schema}.waits w SET done_at = now(), due_at = NULL, lease_until = NULL, seq = w.seq + 1, updated_at = now()
         FROM locked WHERE w.id = locked.id RETURNING w.id`,
      [[...ids]],
    );
    const ended = rows.map((row) => row.id).sort();
    if (ended.length > 0) {
      await client.query(`SELECT ${outcomeLock(schema)}`);
      await client.query(
        `INSERT INTO ${schema}.outcomes (wait_id, kind, status, error, requests, enqueued_at)
         SELECT id, 'canceled', last, $2::jsonb, requests, enqueued_at
           FROM ${schema}.waits WHERE id = ANY ($1::text[]) ORDER BY id
         ON CONFLICT (wait_id) DO NOTHING`,
        [ended, JSON.stringify({ name: "WaitCanceled", message: "an operator canceled this wait." })],
      );
      await client.query(`SELECT pg_notify('${schema}_outcomes', '')`);
    }
    await client.query("COMMIT");
    return ended;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Starts ended waits again from their first step (a fresh deadline), due at once: their outcome is
 * removed, and a new one is recorded when they end. Returns the ids started again.
 */
export async function retryWaits(
  db: pg.Pool,
  schema: string,
  options: Omit<RetryOptions, "ids"> & { ids?: readonly string[] },
): Promise<string[]> {
  const ids = options.ids ? [...options.ids] : null;
  const kinds = options.kinds ? [...options.kinds] : ids ? null : ["error"];
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ id: string }>(
      `WITH picked AS (
         SELECT w.id FROM ${schema}.waits w JOIN ${schema}.outcomes o ON o.wait_id = w.id
          WHERE w.done_at IS NOT NULL
            AND ($1::text[] IS NULL OR w.id = ANY ($1))
            AND ($2::text[] IS NULL OR o.kind = ANY ($2))
            AND ($3::text IS NULL OR w.provider = $3)
          ORDER BY w.id FOR UPDATE OF w),
       removed AS (DELETE FROM ${schema}.outcomes o USING picked WHERE o.wait_id = picked.id RETURNING o.wait_id)
       UPDATE ${schema}.waits w SET done_at = NULL, due_at = now(), lease_until = NULL, state = NULL, last = NULL, seq = w.seq + 1, attempts = 0,
              updated_at = now()
         FROM removed WHERE w.id = removed.wait_id RETURNING w.id`,
      [ids, kinds, options.provider ?? null],
    );
    await client.query("COMMIT");
    return rows.map((row) => row.id).sort();
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/** Deletes ended waits (and their outcomes) that ended at least `olderThanMs` ago; returns how many. */
export async function pruneWaits(db: pg.Pool, schema: string, olderThanMs: number): Promise<number> {
  if (!(Number.isFinite(olderThanMs) && olderThanMs >= 0)) {
    throw new TypeError(`olderThanMs must be a non-negative number of milliseconds, got ${olderThanMs}.`);
  }
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(
      `DELETE FROM ${schema}.waits WHERE id IN (
         SELECT id FROM ${schema}.waits WHERE done_at <= now() - $1 * interval '1 millisecond' LIMIT 5000)`,
      [olderThanMs],
    );
    total += rowCount ?? 0;
    if ((rowCount ?? 0) < 5000) return total;
  }
}

export async function waitStats(db: pg.Pool, schema: string): Promise<DurableStats> {
  const [waits, outcomes, providers] = await Promise.all([
    db.query<{ waits: string; pending: string; due: string; lag_ms: number | null; oldest_ms: number | null }>(
      `SELECT count(*) AS waits, count(*) FILTER (WHERE done_at IS NULL) AS pending,
              count(*) FILTER (WHERE due_at <= now() AND (lease_until IS NULL OR lease_until <= now())) AS due,
              extract(epoch FROM now() - min(due_at) FILTER (WHERE due_at <= now()
                AND (lease_until IS NULL OR lease_until <= now()))) * 1000 AS lag_ms,
              extract(epoch FROM now() - min(enqueued_at) FILTER (WHERE done_at IS NULL)) * 1000 AS oldest_ms
         FROM ${schema}.waits`,
    ),
    db.query<{ kind: string | null; total: string; minute: string; hour: string; five: string }>(
      `SELECT kind, count(*) AS total,
              count(*) FILTER (WHERE finished_at > now() - interval '1 minute') AS minute,
              count(*) FILTER (WHERE finished_at > now() - interval '1 hour') AS hour,
              count(*) FILTER (WHERE finished_at > now() - interval '5 minutes') AS five
         FROM ${schema}.outcomes GROUP BY kind`,
    ),
    db.query<{ provider: string; pending: string; ended: string }>(
      `SELECT coalesce(provider, ref ->> 'provider') AS provider, count(*) FILTER (WHERE done_at IS NULL) AS pending,
              count(*) FILTER (WHERE done_at IS NOT NULL) AS ended
         FROM ${schema}.waits GROUP BY 1 ORDER BY 1`,
    ),
  ]);
  const row = waits.rows[0];
  const lastMinute: Record<string, number> = {};
  const lastHour: Record<string, number> = {};
  let total = 0;
  let five = 0;
  for (const kind of outcomes.rows) {
    total += Number(kind.total);
    five += Number(kind.five);
    if (Number(kind.minute) > 0) lastMinute[String(kind.kind)] = Number(kind.minute);
    if (Number(kind.hour) > 0) lastHour[String(kind.kind)] = Number(kind.hour);
  }
  return {
    waits: Number(row?.waits ?? 0),
    pending: Number(row?.pending ?? 0),
    due: Number(row?.due ?? 0),
    lagMs: Math.round(Number(row?.lag_ms ?? 0)),
    oldestPendingMs: Math.round(Number(row?.oldest_ms ?? 0)),
    outcomes: total,
    lastMinute,
    lastHour,
    outcomesPerSecond: five / 300,
    byProvider: Object.fromEntries(
      providers.rows.map((p) => [p.provider, { pending: Number(p.pending), ended: Number(p.ended) }]),
    ),
  };
}
