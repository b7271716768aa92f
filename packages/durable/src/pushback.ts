// The pushback table: until when an origin (a provider's pushback key) asked every worker to hold off.

import { pushbackDelay } from "opwatch/internal";
import type { PoolClient } from "pg";
import type { StepOutcome } from "./contract.js";

/** The milliseconds left of the pushback on `key` (0 when there is none). */
export async function pushbackMs(client: PoolClient, schema: string, key: string): Promise<number> {
  const found = await client.query<{ ms: number }>(
    `SELECT extract(epoch FROM until_at - now()) * 1000 AS ms FROM ${schema}.pushback WHERE key = $1 AND until_at > now()`,
    [key],
  );
  return Number(found.rows[0]?.ms ?? 0);
}

/** Shares a provider's pushback with every worker; a later end never shortens one already recorded. */
export async function recordPushback(
  client: PoolClient,
  schema: string,
  pushback: NonNullable<Extract<StepOutcome, { kind: "pending" }>["pushback"]>,
): Promise<void> {
  await client.query(
    `INSERT INTO ${schema}.pushback (key, until_at)
     VALUES ($1, now() + $2 * interval '1 millisecond')
     ON CONFLICT (key) DO UPDATE SET until_at = GREATEST(${schema}.pushback.until_at, EXCLUDED.until_at)`,
    [pushback.key, Math.max(0, pushback.untilMs - Date.now())],
  );
}

/** A pushback seen by another worker is waited out, spread over a little jitter (the facade's pushback rule,
 * over at most a tenth of the pushback). */
export function pushbackDelayMs(pushedMs: number): number {
  return pushbackDelay(pushedMs, { minDelayMs: Math.min(1000, pushedMs * 0.1) });
}
