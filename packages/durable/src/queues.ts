// The pg-boss queues (in `<schema>_jobs`) and their one-time set-up beside the durable tables.
import type pg from "pg";
import PgBoss from "pg-boss";
import { migrate } from "./schema.js";

/** One job per poll step that is due (or will be): the job carries the wait's id and the step's seq. */
export const STEP_QUEUE = "opwatch-step";
/** Steps whose job failed every retry; maintenance ends their waits with an `error` outcome. */
export const DEAD_STEP_QUEUE = "opwatch-step-dead";
/** One job per outcome, for `onOutcome` consumers. */
export const OUTCOME_QUEUE = "opwatch-outcome";

/** Advisory-lock key (one-bigint form) held while a process sets up the schemas. */
const SETUP_LOCK = 0x6f707762;

/**
 * Creates the durable tables, pg-boss's and the queues, if needed, and starts a pg-boss instance on `db`.
 * A step held longer than `stepTimeoutSeconds` is taken to be lost and runs again.
 */
export async function startJobs(db: pg.Pool, schema: string, stepTimeoutSeconds: number): Promise<PgBoss> {
  // pg-boss's own set-up is not safe against processes starting together: take turns, holding a
  // session advisory lock on one connection while the set-up runs on the others.
  const lock = await db.connect();
  try {
    await lock.query("SELECT pg_advisory_lock($1)", [SETUP_LOCK]);
    await migrate(db, schema);
    const jobs = new PgBoss({
      db: { executeSql: (text: string, values: unknown[]) => db.query(text, values) },
      schema: `${schema}_jobs`,
      // Maintenance (expiring the steps of dead workers) runs in the workers: see worker.ts.
      supervise: false,
      schedule: false,
      migrate: true,
    });
    jobs.on("error", () => {});
    await jobs.start();
    const have = new Set((await jobs.getQueues()).map((queue) => queue.name));
    const create = async (name: string, queue: Omit<PgBoss.Queue, "name">) => {
      if (!have.has(name)) await jobs.createQueue(name, { name, ...queue });
    };
    await create(DEAD_STEP_QUEUE, { retryLimit: 0 });
    await create(STEP_QUEUE, {
      expireInSeconds: stepTimeoutSeconds,
      retryLimit: 8,
      retryDelay: 1,
      retryBackoff: true,
      deadLetter: DEAD_STEP_QUEUE,
    });
    await create(OUTCOME_QUEUE, { expireInSeconds: 15 * 60, retryLimit: 10, retryDelay: 1, retryBackoff: true });
    return jobs;
  } finally {
    await lock.query("SELECT pg_advisory_unlock($1)", [SETUP_LOCK]).catch(() => {});
    lock.release();
  }
}
