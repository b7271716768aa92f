// Reading the outcome log: by wait, in order from a cursor, followed as it grows, or consumed through
// the outcome queue.
import type pg from "pg";
import type PgBoss from "pg-boss";
import { fromRow, type Outcome, type OutcomeRow } from "./outcome.js";
import { OUTCOME_QUEUE } from "./queues.js";

/** Which outcomes to list: after a position (`seq`), at most `limit`. */
export interface OutcomeListOptions {
  /** Only outcomes after this `seq` (a cursor: the last `seq` you handled). */
  after?: number;
  limit?: number;
}

/** Where to start following the outcome log, and the signal that ends it. */
export interface FollowOptions {
  after?: number;
  signal?: AbortSignal;
  /** How often to look when no notification arrives (default 1000 ms). */
  intervalMs?: number;
}

export async function findOutcome(db: pg.Pool, schema: string, waitId: string): Promise<Outcome | undefined> {
  const { rows } = await db.query<OutcomeRow>(`SELECT * FROM ${schema}.outcomes WHERE wait_id = $1`, [waitId]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export async function listOutcomes(
  db: pg.Pool,
  schema: string,
  { after = 0, limit = 1000 }: OutcomeListOptions = {},
): Promise<Outcome[]> {
  const { rows } = await db.query<OutcomeRow>(`SELECT * FROM ${schema}.outcomes WHERE seq > $1 ORDER BY seq LIMIT $2`, [
    after,
    limit,
  ]);
  return rows.map(fromRow);
}

/** Yields each outcome after `after` that `list` returns, woken by the outcomes' NOTIFY, until `signal` aborts. */
export async function* followOutcomes(
  db: pg.Pool,
  schema: string,
  list: (options: OutcomeListOptions) => Promise<Outcome[]>,
  { after = 0, signal, intervalMs = 1000 }: FollowOptions = {},
): AsyncGenerator<Outcome> {
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
      const batch = await list({ after: cursor, limit: 500 });
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

/** Calls `handler` with the outcome of each job of the outcome queue; resolves with the pg-boss worker id. */
export function consumeOutcomes(
  { db, jobs, schema }: { db: pg.Pool; jobs: PgBoss; schema: string },
  handler: (outcome: Outcome) => Promise<void> | void,
  options: { batchSize: number; pollingIntervalSeconds: number },
): Promise<string> {
  return jobs.work<{ w: string }>(OUTCOME_QUEUE, options, async (batch) => {
    const { rows } = await db.query<OutcomeRow>(
      `SELECT * FROM ${schema}.outcomes WHERE wait_id = ANY($1::text[]) ORDER BY seq`,
      [batch.map((job) => job.data.w)],
    );
    for (const row of rows) await handler(fromRow(row));
  });
}
