// The tables the durable watcher keeps beside pg-boss's (which live in `<schema>_jobs`).
import type { Pool } from "pg";

export function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(schema)) {
    throw new TypeError(`schema must be a lower-case SQL identifier (letters, digits, _), got "${schema}".`);
  }
}

export function schemaSql(schema: string): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${schema};

-- One row per operation being waited on. id is a hash of the ref, so enqueueing a ref twice is one wait.
-- seq counts transitions: the job that runs step number seq carries it, and a step's result is written
-- only where seq still matches, so a step run twice (a worker killed after its read) is written once.
CREATE TABLE IF NOT EXISTS ${schema}.waits (
  id text PRIMARY KEY,
  ref jsonb NOT NULL,
  options jsonb NOT NULL DEFAULT '{}',
  state jsonb,
  seq integer NOT NULL DEFAULT 0,
  requests integer NOT NULL DEFAULT 0,
  pushback_key text,
  enqueued_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz
);

-- Exactly one row per finished wait (the primary key is the wait), in the order they finished.
CREATE TABLE IF NOT EXISTS ${schema}.outcomes (
  seq bigserial NOT NULL UNIQUE,
  wait_id text PRIMARY KEY REFERENCES ${schema}.waits (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('succeeded', 'failed', 'canceled', 'timed_out', 'error')),
  status jsonb,
  error jsonb,
  ref jsonb NOT NULL,
  requests integer NOT NULL,
  enqueued_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now()
);

-- A provider's pushback (429, Retry-After, rate-limit reset), per origin and credential, in database time
-- so that every worker honours it whatever its clock.
CREATE TABLE IF NOT EXISTS ${schema}.pushback (
  key text PRIMARY KEY,
  until_at timestamptz NOT NULL
);

-- Takes the first free one of n session-level advisory locks (origin, 0..n-1) and returns its number,
-- or -1 when all n are held. A lock held by a worker that dies is released with its connection.
CREATE OR REPLACE FUNCTION ${schema}.take_slot(origin integer, n integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  first integer := floor(random() * n)::integer;
  i integer;
BEGIN
  FOR i IN 0 .. n - 1 LOOP
    IF pg_try_advisory_lock(origin, (first + i) % n) THEN
      RETURN (first + i) % n;
    END IF;
  END LOOP;
  RETURN -1;
END $$;
`;
}

/** Creates the tables if needed (the caller serializes concurrent starters: see queues.ts). */
export async function migrate(pool: Pool, schema: string): Promise<void> {
  await pool.query(schemaSql(schema));
}
