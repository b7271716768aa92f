// The durable tables and the two functions every step goes through (claim_steps, commit_steps), kept
// by numbered migrations: a database records the version it is at, and start() applies the missing ones
// in order, under a transaction-scoped advisory lock, so that processes starting together take turns.
import type { Pool } from "pg";

export function assertSchemaName(schema: string): void {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(schema)) {
    throw new TypeError(`schema must be a lower-case SQL identifier (letters, digits, _), got "${schema}".`);
  }
}

/** The schema version this package writes and reads. */
export const SCHEMA_VERSION = 1;

/** Advisory-lock keys (two-int form: the first is this package's, the second says what is locked). */
const PACKAGE_KEY = 0x6f707763;
const MIGRATE = 1;

/** The transaction-scoped lock every outcome insert takes before it draws its `seq`: outcomes commit in
 * the order of their `seq`, so a cursor that has read up to `seq` n never sees an n - 1 appear later. */
export const outcomeLock = (schema: string) => `pg_advisory_xact_lock(hashtext('${schema}.outcomes'))`;

/** Migration n takes the schema from version n - 1 to n. Each is idempotent. */
export function migrations(schema: string): string[] {
  const s = schema;
  return [
    `
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
-- until_at by holder (the step); a worker that dies gives it back when the lease runs out.
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

-- Claims up to n due steps of the given providers (all when null) for lease_ms. A step whose origin is
-- pushed back, or has no free slot, is put off instead (to the end of the pushback, spread over
-- spread_ms; or by a short random delay) and not returned; a step claimed max_attempts times without a
-- commit (it kills or breaks every worker) ends its wait with an error outcome.
-- A put-off step is returned with put_off ('pushback' or 'admission') and no slot, for the worker's events.
CREATE OR REPLACE FUNCTION ${s}.claim_steps(n integer, providers text[], skip text[], lease_ms integer,
                                             per_origin integer, max_attempts integer, spread_ms integer)
RETURNS TABLE (id text, seq integer, ref jsonb, options jsonb, state jsonb, pushback_key text, origin text,
               slot integer, put_off text, put_off_ms double precision)
LANGUAGE plpgsql AS $fn$
#variable_conflict use_column
DECLARE
  r record;
  pushed timestamptz;
  got integer;
  dead text[] := '{}';
BEGIN
  FOR r IN
    WITH due AS (
      SELECT w.id FROM ${s}.waits w
       WHERE w.due_at <= now() AND (w.lease_until IS NULL OR w.lease_until <= now())
         AND (providers IS NULL OR w.provider = ANY (providers)) AND NOT (w.provider = ANY (skip))
       ORDER BY w.due_at LIMIT n FOR UPDATE SKIP LOCKED)
    UPDATE ${s}.waits w SET lease_until = now() + lease_ms * interval '1 millisecond', attempts = w.attempts + 1
      FROM due WHERE w.id = due.id
    RETURNING w.id, w.seq, w.ref, w.options, w.state, w.pushback_key, w.origin, w.attempts
  LOOP
    IF r.attempts > max_attempts THEN
      dead := dead || r.id;
      CONTINUE;
    END IF;
    SELECT p.until_at INTO pushed FROM ${s}.pushback p WHERE p.key = r.pushback_key AND p.until_at > now();
    IF FOUND THEN
      -- Spread the steps that come back over at least spread_ms, and over as long as the pushback lasted
      -- (at most five minutes).
      UPDATE ${s}.waits w SET attempts = w.attempts - 1, lease_until = NULL,
             due_at = pushed + random() * least(greatest(spread_ms * interval '1 millisecond', pushed - now()), interval '5 minutes')
       WHERE w.id = r.id
      RETURNING extract(epoch FROM w.due_at - now()) * 1000 INTO put_off_ms;
      id := r.id; seq := r.seq; ref := r.ref; options := NULL; state := NULL; pushback_key := r.pushback_key;
      origin := r.origin; slot := NULL; put_off := 'pushback';
      RETURN NEXT;
      CONTINUE;
    END IF;
    got := NULL;
    IF per_origin > 0 THEN
      FOR i IN 1 .. 2 LOOP
        UPDATE ${s}.slots t SET holder = r.id || ':' || r.seq, until_at = now() + lease_ms * interval '1 millisecond'
          FROM (SELECT f.slot FROM ${s}.slots f
                 WHERE f.origin = r.origin AND f.slot < per_origin AND f.until_at < now()
                 LIMIT 1 FOR UPDATE SKIP LOCKED) free
         WHERE t.origin = r.origin AND t.slot = free.slot
        RETURNING t.slot INTO got;
        EXIT WHEN got IS NOT NULL OR i = 2;
        INSERT INTO ${s}.slots (origin, slot) SELECT r.origin, g FROM generate_series(0, per_origin - 1) g
          ON CONFLICT DO NOTHING;
      END LOOP;
      IF got IS NULL THEN
        put_off_ms := 100 + random() * 400;
        UPDATE ${s}.waits w SET attempts = w.attempts - 1, lease_until = NULL,
               due_at = now() + put_off_ms * interval '1 millisecond'
         WHERE w.id = r.id;
        id := r.id; seq := r.seq; ref := r.ref; options := NULL; state := NULL; pushback_key := r.pushback_key;
        origin := r.origin; slot := NULL; put_off := 'admission';
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    id := r.id; seq := r.seq; ref := r.ref; options := r.options; state := r.state;
    pushback_key := r.pushback_key; origin := r.origin; slot := got; put_off := NULL; put_off_ms := NULL;
    RETURN NEXT;
  END LOOP;
  IF cardinality(dead) > 0 THEN
    UPDATE ${s}.waits w SET done_at = now(), due_at = NULL, lease_until = NULL, seq = w.seq + 1, updated_at = now()
     WHERE w.id = ANY (dead);
    PERFORM ${outcomeLock(s)};
    INSERT INTO ${s}.outcomes (wait_id, kind, status, error, requests, enqueued_at)
    SELECT w.id, 'error', w.state -> 'last',
           jsonb_build_object('name', 'Error', 'message',
             'the poll step was claimed ' || max_attempts || ' times and never finished (it broke or killed the worker); see the workers'' logs, then retry the wait.'),
           w.requests, w.enqueued_at
      FROM ${s}.waits w WHERE w.id = ANY (dead) ORDER BY w.id
    ON CONFLICT (wait_id) DO NOTHING;
    PERFORM pg_notify('${s}_outcomes', '');
  END IF;
END $fn$;

-- Writes a batch of step results in one statement: pushbacks shared, slots given back, each wait moved
-- to its next step or ended (only where seq still matches the claim), and the outcomes of the ended ones
-- appended to the log, last, under the outcome lock. Returns the waits written and the outcomes recorded.
CREATE OR REPLACE FUNCTION ${s}.commit_steps(steps jsonb, pushbacks jsonb, OUT applied text[], OUT recorded text[])
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO ${s}.pushback AS p (key, until_at)
  SELECT b.key, now() + max(b.ms) * interval '1 millisecond'
    FROM jsonb_to_recordset(pushbacks) AS b (key text, ms double precision) GROUP BY b.key ORDER BY b.key
  ON CONFLICT (key) DO UPDATE SET until_at = GREATEST(p.until_at, EXCLUDED.until_at);

  UPDATE ${s}.slots t SET holder = NULL, until_at = '-infinity'
    FROM jsonb_to_recordset(steps) AS r (id text, seq integer, origin text, slot integer)
   WHERE r.slot IS NOT NULL AND t.origin = r.origin AND t.slot = r.slot AND t.holder = r.id || ':' || r.seq;

  WITH r AS (
    SELECT * FROM jsonb_to_recordset(steps)
      AS r (id text, seq integer, done boolean, state jsonb, delay_ms double precision, reads integer, failed boolean)),
  locked AS (
    SELECT w.id FROM ${s}.waits w JOIN r ON r.id = w.id AND r.seq = w.seq
     WHERE w.done_at IS NULL ORDER BY w.id FOR UPDATE OF w),
  written AS (
    UPDATE ${s}.waits w SET
      seq = w.seq + 1,
      state = coalesce(r.state, w.state),
      requests = w.requests + r.reads,
      attempts = CASE WHEN r.failed THEN w.attempts ELSE 0 END,
      updated_at = now(),
      done_at = CASE WHEN r.done THEN now() END,
      due_at = CASE WHEN r.done THEN NULL ELSE now() + r.delay_ms * interval '1 millisecond' END,
      lease_until = NULL
      FROM r, locked WHERE w.id = r.id AND locked.id = w.id
    RETURNING w.id, r.done)
  SELECT array_agg(written.id), array_agg(written.id) FILTER (WHERE written.done) INTO applied, recorded FROM written;

  IF recorded IS NOT NULL THEN
    PERFORM ${outcomeLock(s)};
    WITH o AS (
      SELECT * FROM jsonb_to_recordset(steps) AS o (id text, kind text, status jsonb, error jsonb))
    INSERT INTO ${s}.outcomes (wait_id, kind, status, error, requests, enqueued_at)
    SELECT w.id, o.kind, o.status, o.error, w.requests, w.enqueued_at
      FROM ${s}.waits w JOIN o ON o.id = w.id WHERE w.id = ANY (recorded) ORDER BY w.id
    ON CONFLICT (wait_id) DO NOTHING;
    PERFORM pg_notify('${s}_outcomes', '');
  END IF;
END $fn$;
`,
  ];
}

/** Brings the schema to {@link SCHEMA_VERSION}; refuses a database a newer release has migrated. */
export async function migrate(pool: Pool, schema: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query("SELECT pg_advisory_xact_lock($1, $2)", [PACKAGE_KEY, MIGRATE]);
    await client.query(
      `CREATE SCHEMA IF NOT EXISTS ${schema};
       CREATE TABLE IF NOT EXISTS ${schema}.schema_version (version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await client.query<{ version: number | null }>(
      `SELECT max(version) AS version FROM ${schema}.schema_version`,
    );
    const at = rows[0]?.version ?? 0;
    if (at > SCHEMA_VERSION) {
      throw new Error(
        `the durable schema "${schema}" is at version ${at}, newer than this release of @opwatch/durable (${SCHEMA_VERSION}): upgrade the package on this host.`,
      );
    }
    const steps = migrations(schema);
    for (let version = at + 1; version <= SCHEMA_VERSION; version += 1) {
      await client.query(steps[version - 1] as string);
      await client.query(`INSERT INTO ${schema}.schema_version (version) VALUES ($1)`, [version]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
