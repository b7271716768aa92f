// What a poll step writes, each in one transaction with the removal of the step's job: the wait moves
// from step `seq` to `seq + 1` only where `seq` still matches, so a step run twice is written once.
import type { PoolClient } from "pg";
import type PgBoss from "pg-boss";
import type { DurableContext, StepJob } from "./context.js";
import type { StepOutcome } from "./contract.js";
import { stepJobId } from "./ids.js";
import { type OutcomeKind, outcomeOf } from "./outcome.js";
import { recordPushback } from "./pushback.js";
import { DEAD_STEP_QUEUE, OUTCOME_QUEUE, STEP_QUEUE } from "./queues.js";

type Job = PgBoss.Job<StepJob>;

export async function inTransaction<T>(client: PoolClient, work: (db: PgBoss.Db) => Promise<T>): Promise<T> {
  await client.query("BEGIN");
  try {
    const result = await work({ executeSql: (text, values) => client.query(text, values) });
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  }
}

/** Moves the wait from step `seq` to `seq + 1` and removes the job; false if another run got there first. */
async function advance(
  { boss, schema }: DurableContext,
  db: PgBoss.Db,
  client: PoolClient,
  job: Job,
  set: string,
  values: unknown[],
): Promise<boolean> {
  const { rowCount } = await client.query(
    `UPDATE ${schema}.waits SET seq = seq + 1, updated_at = now()${set} WHERE id = $1 AND seq = $2`,
    [job.data.w, job.data.s, ...values],
  );
  await boss.deleteJob(STEP_QUEUE, job.id, { db });
  return rowCount === 1;
}

function scheduleStep({ boss }: DurableContext, db: PgBoss.Db, waitId: string, seq: number, delayMs: number) {
  return boss.send(
    STEP_QUEUE,
    { w: waitId, s: seq },
    { id: stepJobId(waitId, seq), startAfter: String(Math.max(0, Math.round(delayMs)) / 1000), db },
  );
}

/** Tells the outcome queue (when it is on) and the followers (NOTIFY) that an outcome was recorded. */
async function announceOutcome(
  context: DurableContext,
  db: PgBoss.Db,
  client: PoolClient,
  waitId: string,
  seq: string,
) {
  if (context.outcomeQueue) await context.boss.send(OUTCOME_QUEUE, { w: waitId }, { id: stepJobId(waitId, -1), db });
  await client.query("SELECT pg_notify($1, $2)", [`${context.schema}_outcomes`, seq]);
}

/** A step that did not read: the wait moves on to a step `delayMs` later. False if another run got there first. */
export function deferStep(context: DurableContext, client: PoolClient, job: Job, delayMs: number): Promise<boolean> {
  return inTransaction(client, async (db) => {
    if (!(await advance(context, db, client, job, "", []))) return false;
    await scheduleStep(context, db, job.data.w, job.data.s + 1, delayMs);
    return true;
  });
}

/** A step that read and left the wait pending: its poll state, the next step, and any pushback to share. */
export function continueWait(
  context: DurableContext,
  client: PoolClient,
  job: Job,
  key: string,
  outcome: Extract<StepOutcome, { kind: "pending" }>,
): Promise<void> {
  return inTransaction(client, async (db) => {
    const set = ", state = $3, requests = requests + 1, pushback_key = $4";
    if (!(await advance(context, db, client, job, set, [JSON.stringify(outcome.state), key]))) return;
    await scheduleStep(context, db, job.data.w, job.data.s + 1, outcome.delayMs);
    if (outcome.pushback) await recordPushback(client, context.schema, outcome.pushback);
  });
}

/** A step that ended the wait: its outcome recorded and announced. `recorded` is false if another run got there first. */
export async function endWait(
  context: DurableContext,
  client: PoolClient,
  job: Job,
  key: string,
  outcome: Exclude<StepOutcome, { kind: "pending" }>,
): Promise<{ recorded: boolean; kind: OutcomeKind }> {
  const { schema } = context;
  const waitId = job.data.w;
  const { kind, status, error } = outcomeOf(outcome);
  const recorded = await inTransaction(client, async (db) => {
    const set = ", state = $3, requests = requests + 1, pushback_key = $4, done_at = now()";
    if (!(await advance(context, db, client, job, set, [JSON.stringify(outcome.state), key]))) return false;
    const { rows } = await client.query<{ seq: string }>(
      `INSERT INTO ${schema}.outcomes (wait_id, kind, status, error, ref, requests, enqueued_at)
       SELECT id, $2, $3, $4, ref, requests, enqueued_at FROM ${schema}.waits WHERE id = $1
       ON CONFLICT (wait_id) DO NOTHING RETURNING seq`,
      [waitId, kind, JSON.stringify(status), error ? JSON.stringify(error) : null],
    );
    const outcomeSeq = rows[0]?.seq;
    if (outcomeSeq === undefined) return false;
    await announceOutcome(context, db, client, waitId, outcomeSeq);
    return true;
  });
  return { recorded, kind };
}

/** A step whose job failed every retry (the database kept failing, or the step kept throwing) ends its wait in `error`. */
export function endDeadWait(context: DurableContext, client: PoolClient, job: Job): Promise<void> {
  const { schema } = context;
  return inTransaction(client, async (db) => {
    const { rows } = await client.query<{ seq: string }>(
      `WITH ended AS (
         UPDATE ${schema}.waits SET seq = seq + 1, done_at = now(), updated_at = now()
         WHERE id = $1 AND seq = $2 AND done_at IS NULL RETURNING *)
       INSERT INTO ${schema}.outcomes (wait_id, kind, status, error, ref, requests, enqueued_at)
       SELECT id, 'error', state -> 'last', $3, ref, requests, enqueued_at FROM ended
       ON CONFLICT (wait_id) DO NOTHING RETURNING seq`,
      [
        job.data.w,
        job.data.s,
        JSON.stringify({ name: "Error", message: "the poll step failed on every retry; see the workers' logs." }),
      ],
    );
    if (rows[0]) await announceOutcome(context, db, client, job.data.w, rows[0].seq);
    await context.boss.deleteJob(DEAD_STEP_QUEUE, job.id, { db });
  });
}
