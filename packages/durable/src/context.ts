import type pg from "pg";
import type PgBoss from "pg-boss";
import type { StepWatcher } from "./contract.js";

/** Everything a worker needs from its durable watcher. */
export interface DurableContext {
  pool: pg.Pool;
  boss: PgBoss;
  schema: string;
  watcher: StepWatcher;
  maxInFlightPerOrigin: number;
  outcomeQueue: boolean;
}

/** A step job's data: the wait's id and the step's seq (short keys: there is one job per step). */
export interface StepJob {
  w: string;
  s: number;
}
