// Migration 1, its tables: what the durable watcher stores (see schema.ts for how migrations run).

/** The tables and indexes of schema version 1 (idempotent; also takes over a pg-boss based release's). */
export function tablesSql(s: string): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${s};

-- One row per operation being waited on: it is also the queue. id is a hash of the canonical ref, so
-- enqueueing an operation twice is one wait. A pending wait has a due_at; a worker claims it by setting
-- lease_until (so a worker that dies gives it back when the lease runs out), reads, and commits the next
-- due_at (or done_at). seq counts commits: a commit applies only where seq still matches the claim's, so
-- a step run twice is written once. A claim changes no indexed column, and the fill factor leaves room on
-- the page: it is a HOT update whose WAL record is a few bytes (prefix/suffix compression).
CREATE TABLE IF NOT EXISTS ${s}.waits (
  id text PRIMARY KEY,
  provider text,
  ref jsonb NOT NULL,
  options jsonb NOT NULL DEFAULT '{}',
  origin text,
  pushback_key text,
  enqueued_at timestamptz NOT NULL DEFAULT now(),
  requests integer NOT NULL DEFAULT 0,
  state jsonb,
  updated_at timestamptz NOT NULL DEFAULT now(),
  done_at timestamptz,
  seq integer NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  due_at timestamptz,
  lease_until timestamptz
) WITH (fillfactor = 50);
ALTER TABLE ${s}.waits ADD COLUMN IF NOT EXISTS provider text;
ALTER TABLE ${s}.waits ADD COLUMN IF NOT EXISTS origin text;
ALTER TABLE ${s}.waits ADD COLUMN IF NOT EXISTS attempts integer NOT NULL DEFAULT 0;
ALTER TABLE ${s}.waits ADD COLUMN IF NOT EXISTS due_at timestamptz;
ALTER TABLE ${s}.waits ADD COLUMN IF NOT EXISTS lease_until timestamptz;
-- Waits stored by the pg-boss based releases: due at once, their old step jobs left to be dropped.
UPDATE ${s}.waits SET provider = ref ->> 'provider',
       origin = lower(substring(ref ->> 'baseUrl' FROM '^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*')),
       due_at = CASE WHEN done_at IS NULL THEN now() END
 WHERE provider IS NULL;
CREATE INDEX IF NOT EXISTS waits_due ON ${s}.waits (due_at) WHERE due_at IS NOT NULL;
CREATE INDEX IF NOT EXISTS waits_done ON ${s}.waits (done_at) WHERE done_at IS NOT NULL;

-- Exactly one row per finished wait, in commit order (seq is drawn under ${s}.outcomes' lock). The ref is
-- the wait's (read by a join; the column is kept for rows of earlier releases).
CREATE TABLE IF NOT EXISTS ${s}.outcomes (
  seq bigserial NOT NULL UNIQUE,
  wait_id text PRIMARY KEY REFERENCES ${s}.waits (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('succeeded', 'failed', 'canceled', 'timed_out', 'error')),
  status jsonb,
  error jsonb,
  ref jsonb,
  requests integer NOT NULL,
  enqueued_at timestamptz NOT NULL,
  finished_at timestamptz NOT NULL DEFAULT now()
);
ALTER TABLE ${s}.outcomes ALTER COLUMN ref DROP NOT NULL;

-- A provider's pushback (429, Retry-After, rate-limit reset), per provider and origin, in database time.
CREATE TABLE IF NOT EXISTS ${s}.pushback (
  key text PRIMARY KEY,
  until_at timestamptz NOT NULL
);

-- Request slots: at most n reads in flight per origin across every worker. A slot is a row leased until
-- until_at by its holder (the step; from version 2, holder_id and holder_seq); a worker that dies gives it
-- back when the lease runs out.
CREATE TABLE IF NOT EXISTS ${s}.slots (
  origin text NOT NULL,
  slot integer NOT NULL,
  holder text,
  until_at timestamptz NOT NULL DEFAULT '-infinity',
  PRIMARY KEY (origin, slot)
) WITH (fillfactor = 50);

-- onOutcome's cursors: one per consumer name, leased by one process at a time.
CREATE TABLE IF NOT EXISTS ${s}.consumers (
  name text PRIMARY KEY,
  after bigint NOT NULL DEFAULT 0,
  owner text,
  lease_until timestamptz NOT NULL DEFAULT '-infinity'
);
`;
}

/**
 * Migration 2: a wait's last status in a column of its own, the table's last, and request slots freed by
 * their holder's commit. A step rewrites the row's
 * counters and schedule; an update that leaves the last status as it was (most steps: the operation is
 * still running) writes none of it to the WAL (Postgres logs only the bytes between the unchanged
 * prefix and suffix of a row updated on its page).
 */
export function lastStatusSql(s: string): string {
  return `
ALTER TABLE ${s}.waits ADD COLUMN IF NOT EXISTS last jsonb;
UPDATE ${s}.waits SET last = state -> 'last', state = state - 'last' WHERE state ? 'last';

-- A request slot names its holder (the wait and the seq of its claim) and is free once that wait has
-- moved on (its commit drew the next seq) or the lease ran out: a commit does not write the slot back.
ALTER TABLE ${s}.slots ADD COLUMN IF NOT EXISTS holder_id text;
ALTER TABLE ${s}.slots ADD COLUMN IF NOT EXISTS holder_seq integer;
`;
}
