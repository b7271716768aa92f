// Reading the outcome log: by wait, in order from a cursor, followed as it grows, or consumed under a
// named cursor kept in the database. Outcomes commit in `seq` order (see schema.ts), so a cursor never
// skips one and never sees one twice.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";
import type pg from "pg";
import { errorJson, fromRow, type Outcome, type OutcomeError, type OutcomeRow } from "./outcome.js";

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

/** Options of {@link DurableWatcher.onOutcome}: the consumer's name (its cursor) and how it is delivered. */
export interface OnOutcomeOptions {
  /**
   * The consumer's name: its cursor is kept in the database under it, so a restarted process goes on
   * where the last one stopped, and processes sharing a name share the work, one at a time (default
   * `"default"`). Each name gets every outcome.
   */
  name?: string;
  /** Outcomes read per round trip (default 200). */
  batchSize?: number;
  /** How often to look when no notification arrives (default 1000 ms). */
  intervalMs?: number;
  /** Called when the handler throws (the outcome is handed to it again after a pause). */
  onError?: (error: OutcomeError, outcome: Outcome) => void;
}

/** Outcome rows with their wait's ref (a status is stored without it when it is the wait's own). */
const selectOutcomes = (schema: string) =>
  `SELECT o.seq, o.wait_id, o.kind, o.error, coalesce(o.ref, w.ref) AS ref, o.requests, o.enqueued_at, o.finished_at,
          CASE WHEN jsonb_typeof(o.status) = 'object' AND NOT o.status ? 'ref'
               THEN o.status || jsonb_build_object('ref', coalesce(o.ref, w.ref)) ELSE o.status END AS status
     FROM ${schema}.outcomes o JOIN ${schema}.waits w ON w.id = o.wait_id`;

export async function findOutcome(db: pg.Pool, schema: string, waitId: string): Promise<Outcome | undefined> {
  const { rows } = await db.query<OutcomeRow>(`${selectOutcomes(schema)} WHERE o.wait_id = $1`, [waitId]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export async function listOutcomes(
  db: pg.Pool | pg.PoolClient,
  schema: string,
  { after = 0, limit = 1000 }: OutcomeListOptions = {},
): Promise<Outcome[]> {
  const { rows } = await db.query<OutcomeRow>(`${selectOutcomes(schema)} WHERE o.seq > $1 ORDER BY o.seq LIMIT $2`, [
    after,
    limit,
  ]);
  return rows.map(fromRow);
}

/** Resolves after `ms`, or sooner when `wake` is called (the notification) or the signal aborts. */
class Waker {
  #wake: (() => void) | undefined;
  readonly wake = () => this.#wake?.();
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.#wake = undefined;
        resolve();
      }
      this.#wake = done;
    });
  }
}

/** A connection LISTENing on the outcome channel, woken on each notification. */
async function listen(db: pg.Pool, schema: string, waker: Waker): Promise<() => Promise<void>> {
  const listener = await db.connect();
  const onError = () => {};
  listener.on("error", onError);
  listener.on("notification", waker.wake);
  try {
    await listener.query(`LISTEN ${schema}_outcomes`);
  } catch (error) {
    listener.release(true);
    throw error;
  }
  return async () => {
    listener.off("notification", waker.wake);
    const ok = await listener.query(`UNLISTEN ${schema}_outcomes`).then(
      () => true,
      () => false,
    );
    listener.off("error", onError);
    listener.release(!ok);
  };
}

/** Yields each outcome after `after`, woken by the outcomes' NOTIFY, until `signal` aborts. */
export async function* followOutcomes(
  db: pg.Pool,
  schema: string,
  { after = 0, signal, intervalMs = 1000 }: FollowOptions = {},
): AsyncGenerator<Outcome> {
  // LISTEN wakes us as soon as an outcome commits; the interval covers a lost notification (or a lost
  // connection: then the listener is made again).
  const waker = new Waker();
  signal?.addEventListener("abort", waker.wake);
  let unlisten: (() => Promise<void>) | undefined;
  let cursor = after;
  try {
    while (!signal?.aborted) {
      unlisten ??= await listen(db, schema, waker).catch(() => undefined);
      let batch: Outcome[];
      try {
        batch = await listOutcomes(db, schema, { after: cursor, limit: 500 });
      } catch (error) {
        if (!isConnectionError(error)) throw error;
        await unlisten?.();
        unlisten = undefined;
        await waker.sleep(intervalMs);
        continue;
      }
      for (const outcome of batch) {
        cursor = outcome.seq;
        yield outcome;
        if (signal?.aborted) return;
      }
      if (batch.length === 500) continue;
      await waker.sleep(intervalMs);
    }
  } finally {
    signal?.removeEventListener("abort", waker.wake);
    await unlisten?.();
  }
}

/** Inside a handler of onOutcome (so that stop() called there does not wait for itself). */
export const inOutcomeHandler = new AsyncLocalStorage<true>();

export interface OutcomeConsumer {
  /** Stops after the outcome in hand (its cursor committed); resolves when stopped. Called from inside the
   * handler, it resolves at once and the consumer stops when the handler returns. */
  stop(): Promise<void>;
  /** Resolves when the consumer has stopped. */
  readonly stopped: Promise<void>;
}

/**
 * Calls `handler` once per outcome, in `seq` order, at least once: the cursor (in `<schema>.consumers`)
 * moves past an outcome only after its handler returned, one batch at a time. One process at a time
 * holds a name's lease; the others stand by and take over when it lapses.
 */
export function consumeOutcomes(
  db: pg.Pool,
  schema: string,
  handler: (outcome: Outcome) => Promise<void> | void,
  { name = "default", batchSize = 200, intervalMs = 1000, onError }: OnOutcomeOptions,
): OutcomeConsumer {
  const owner = randomUUID();
  const leaseMs = 30_000;
  const waker = new Waker();
  let stopping = false;
  let unlisten: (() => Promise<void>) | undefined;

  const lease = async (): Promise<number | undefined> => {
    await db.query(`INSERT INTO ${schema}.consumers (name) VALUES ($1) ON CONFLICT DO NOTHING`, [name]);
    const { rows } = await db.query<{ after: string }>(
      `UPDATE ${schema}.consumers SET owner = $2, lease_until = now() + $3 * interval '1 millisecond'
        WHERE name = $1 AND (owner = $2 OR lease_until < now()) RETURNING after`,
      [name, owner, leaseMs],
    );
    return rows[0] ? Number(rows[0].after) : undefined;
  };
  const advance = (after: number) =>
    db.query(
      `UPDATE ${schema}.consumers SET after = $3, lease_until = now() + $4 * interval '1 millisecond'
        WHERE name = $1 AND owner = $2`,
      [name, owner, after, leaseMs],
    );

  const run = async () => {
    let failures = 0;
    while (!stopping) {
      try {
        unlisten ??= await listen(db, schema, waker);
        const after = await lease();
        if (after === undefined) {
          await waker.sleep(Math.max(intervalMs, 1000));
          continue;
        }
        const batch = await listOutcomes(db, schema, { after, limit: batchSize });
        let cursor = after;
        let failed = false;
        for (const outcome of batch) {
          try {
            await inOutcomeHandler.run(true, () => handler(outcome));
          } catch (error) {
            failed = true;
            try {
              onError?.(errorJson(error), outcome);
            } catch {
              // A reporting callback must not stop the consumer.
            }
            break;
          }
          cursor = outcome.seq;
          if (stopping) break;
        }
        if (cursor !== after) await advance(cursor);
        failures = failed ? failures + 1 : 0;
        if (failed) await waker.sleep(Math.min(30_000, 500 * 2 ** failures));
        else if (batch.length < batchSize && !stopping) await waker.sleep(intervalMs);
      } catch {
        // The database is down or restarting: keep trying, less often.
        failures += 1;
        await unlisten?.().catch(() => {});
        unlisten = undefined;
        await waker.sleep(Math.min(10_000, 250 * 2 ** failures));
      }
    }
    await unlisten?.().catch(() => {});
    // Hand the lease over at once.
    await db
      .query(`UPDATE ${schema}.consumers SET lease_until = '-infinity' WHERE name = $1 AND owner = $2`, [name, owner])
      .catch(() => {});
  };

  const stopped = run();
  return {
    stopped,
    async stop() {
      stopping = true;
      waker.wake();
      if (inOutcomeHandler.getStore()) return;
      await stopped;
    },
  };
}

/** A lost or refused connection, a server restarting or recovering: worth trying again. Errors the server
 * answered with a SQL state of another class (a missing table, a bad query) are not. */
function isConnectionError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  if (typeof code !== "string" || !/^[0-9A-Z]{5}$/.test(code) || code.startsWith("E")) return true;
  return code.startsWith("08") || code.startsWith("57P");
}
