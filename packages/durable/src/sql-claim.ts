// claim_steps: the one statement a worker runs to claim a batch of due steps (schema version 2).
import { outcomeLock } from "./schema-locks.js";

/** A stored status with its wait's ref again (it is stored without it when it is the wait's own). */
export const withOwnRef = (status: string, ref = "w.ref") =>
  `CASE WHEN ${status} ? 'ref' THEN ${status} ELSE ${status} || jsonb_build_object('ref', ${ref}) END`;

export function claimStepsSql(s: string): string {
  return `
-- Claims up to n due steps of the given providers (all when null) for lease_ms. A step whose origin is
-- pushed back is put off (to the end of the pushback, spread over spread_ms); one whose origin has no
-- free request slot is left due, untouched, for the next claim (of this worker, when its commit gives
-- slots back, or of another); a step claimed max_attempts times without a commit (it kills or breaks
-- every worker) ends its wait with an error outcome. A step not claimed is returned with put_off
-- ('pushback' or 'admission') and no slot, for the worker's events.
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
  full_origins text[] := '{}';
BEGIN
  FOR r IN
    SELECT w.id, w.seq, w.ref, w.options, w.pushback_key, w.origin, w.attempts,
           CASE WHEN w.last IS NULL THEN w.state
                ELSE coalesce(w.state, '{}') || jsonb_build_object('last', ${withOwnRef("w.last")}) END AS state
      FROM ${s}.waits w
     WHERE w.due_at <= now() AND (w.lease_until IS NULL OR w.lease_until <= now())
       AND (providers IS NULL OR w.provider = ANY (providers)) AND NOT (w.provider = ANY (skip))
     ORDER BY w.due_at LIMIT n FOR UPDATE SKIP LOCKED
  LOOP
    IF r.attempts >= max_attempts THEN
      dead := dead || r.id;
      CONTINUE;
    END IF;
    SELECT p.until_at INTO pushed FROM ${s}.pushback p WHERE p.key = r.pushback_key AND p.until_at > now();
    IF FOUND THEN
      -- Spread the steps that come back over at least spread_ms, and over as long as the pushback lasted
      -- (at most five minutes).
      UPDATE ${s}.waits w
         SET due_at = pushed + random() * least(greatest(spread_ms * interval '1 millisecond', pushed - now()), interval '5 minutes')
       WHERE w.id = r.id
      RETURNING extract(epoch FROM w.due_at - now()) * 1000 INTO put_off_ms;
      id := r.id; seq := r.seq; ref := r.ref; options := NULL; state := NULL; pushback_key := r.pushback_key;
      origin := r.origin; slot := NULL; put_off := 'pushback';
      RETURN NEXT;
      CONTINUE;
    END IF;
    got := NULL;
    IF per_origin > 0 THEN
      -- Every slot of the origin taken (by this claim or another worker's steps): the step is left as it
      -- is, due, first in line for the next claim (nothing written).
      IF r.origin = ANY (full_origins) THEN
        id := r.id; seq := r.seq; ref := r.ref; options := NULL; state := NULL; pushback_key := r.pushback_key;
        origin := r.origin; slot := NULL; put_off := 'admission'; put_off_ms := 0;
        RETURN NEXT;
        CONTINUE;
      END IF;
      FOR i IN 1 .. 2 LOOP
        -- A slot is free when its lease ran out or its holder's step committed (the wait's seq moved on).
        SELECT f.slot INTO got FROM ${s}.slots f
         WHERE f.origin = r.origin AND f.slot < per_origin
           AND (f.until_at < now() OR NOT EXISTS (
                 SELECT 1 FROM ${s}.waits h WHERE h.id = f.holder_id AND h.seq = f.holder_seq))
         ORDER BY f.slot LIMIT 1 FOR UPDATE OF f SKIP LOCKED;
        IF got IS NOT NULL THEN
          UPDATE ${s}.slots t SET holder_id = r.id, holder_seq = r.seq, until_at = now() + lease_ms * interval '1 millisecond'
           WHERE t.origin = r.origin AND t.slot = got;
        END IF;
        EXIT WHEN got IS NOT NULL OR i = 2;
        INSERT INTO ${s}.slots (origin, slot) SELECT r.origin, g FROM generate_series(0, per_origin - 1) g
          ON CONFLICT DO NOTHING;
        EXIT WHEN NOT FOUND;
      END LOOP;
      IF got IS NULL THEN
        full_origins := full_origins || r.origin;
        id := r.id; seq := r.seq; ref := r.ref; options := NULL; state := NULL; pushback_key := r.pushback_key;
        origin := r.origin; slot := NULL; put_off := 'admission'; put_off_ms := 0;
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    UPDATE ${s}.waits w SET lease_until = now() + lease_ms * interval '1 millisecond', attempts = w.attempts + 1
     WHERE w.id = r.id;
    id := r.id; seq := r.seq; ref := r.ref; options := r.options; state := r.state;
    pushback_key := r.pushback_key; origin := r.origin; slot := got; put_off := NULL; put_off_ms := NULL;
    RETURN NEXT;
  END LOOP;
  IF cardinality(dead) > 0 THEN
    UPDATE ${s}.waits w SET done_at = now(), due_at = NULL, lease_until = NULL, seq = w.seq + 1, updated_at = now()
     WHERE w.id = ANY (dead);
    PERFORM ${outcomeLock(s)};
    INSERT INTO ${s}.outcomes (wait_id, kind, status, error, requests, enqueued_at)
    SELECT w.id, 'error', w.last,
           jsonb_build_object('name', 'Error', 'message',
             'the poll step was claimed ' || max_attempts || ' times and never finished (it broke or killed the worker); see the workers'' logs, then retry the wait.'),
           w.requests, w.enqueued_at
      FROM ${s}.waits w WHERE w.id = ANY (dead) ORDER BY w.id
    ON CONFLICT (wait_id) DO NOTHING;
    PERFORM pg_notify('${s}_outcomes', '');
  END IF;
END $fn$;
`;
}
