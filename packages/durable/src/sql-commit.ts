// commit_steps: the one statement a worker runs to commit a batch of step results (schema version 2).
import { outcomeLock } from "./schema-locks.js";

export function commitStepsSql(s: string): string {
  return `
-- Writes a batch of step results in one statement: pushbacks shared, each wait moved to its next step or
-- ended (only where seq still matches the claim), and the outcomes of the ended ones appended to the log,
-- last, under the outcome lock. A step's last status is sent only when it changed (else the wait's stays).
-- A step's request slot is free again once this commits (the wait's seq moved on: see claim_steps), with
-- nothing written to it. Returns the waits written and the outcomes recorded. Two commits share a wait
-- only when its step ran twice (its lease ran out); a deadlock between them fails one, which is sent again.
CREATE OR REPLACE FUNCTION ${s}.commit_steps(steps jsonb, pushbacks jsonb, OUT applied text[], OUT recorded text[])
LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO ${s}.pushback AS p (key, until_at)
  SELECT b.key, now() + max(b.ms) * interval '1 millisecond'
    FROM jsonb_to_recordset(pushbacks) AS b (key text, ms double precision) GROUP BY b.key ORDER BY b.key
  ON CONFLICT (key) DO UPDATE SET until_at = GREATEST(p.until_at, EXCLUDED.until_at);

  WITH r AS (
    SELECT * FROM jsonb_to_recordset(steps)
      AS r (id text, seq integer, done boolean, state jsonb, last jsonb, delay_ms double precision, reads integer,
            failed boolean)),
  written AS (
    UPDATE ${s}.waits w SET
      seq = w.seq + 1,
      state = coalesce(r.state, w.state),
      last = coalesce(r.last, w.last),
      requests = w.requests + r.reads,
      attempts = CASE WHEN r.failed THEN w.attempts ELSE 0 END,
      updated_at = now(),
      done_at = CASE WHEN r.done THEN now() END,
      due_at = CASE WHEN r.done THEN NULL ELSE now() + r.delay_ms * interval '1 millisecond' END,
      lease_until = NULL
      FROM r WHERE w.id = r.id AND w.seq = r.seq AND w.done_at IS NULL
    RETURNING w.id, r.done)
  SELECT array_agg(written.id), array_agg(written.id) FILTER (WHERE written.done) INTO applied, recorded FROM written;

  IF recorded IS NOT NULL THEN
    -- Only this statement moved these waits from pending to ended (done_at was null, seq matched, and the
    -- row is locked until commit): the outcome is new.
    PERFORM ${outcomeLock(s)};
    WITH o AS (
      SELECT * FROM jsonb_to_recordset(steps) AS o (id text, kind text, status jsonb, error jsonb))
    INSERT INTO ${s}.outcomes (wait_id, kind, status, error, requests, enqueued_at)
    SELECT w.id, o.kind, o.status, o.error, w.requests, w.enqueued_at
      FROM ${s}.waits w JOIN o ON o.id = w.id WHERE w.id = ANY (recorded) ORDER BY w.id;
    PERFORM pg_notify('${s}_outcomes', '');
  END IF;
END $fn$;
`;
}
