// How long a provider asked us to wait, from every header providers use for it.
import { parseRetryAfter } from "./timestamps.js";

/** Reset values at or above this are epoch seconds (2001-09-09); below, seconds from now. */
const EPOCH_THRESHOLD = 1_000_000_000;

/**
 * Seconds to wait before the next request, or `undefined` when the answer asks for no pause:
 * - `Retry-After` (delta-seconds or an HTTP-date), on any answer;
 * - `RateLimit-Reset` / `X-RateLimit-Reset` (delta seconds, or epoch seconds told apart by magnitude), when
 *   `RateLimit-Remaining` / `X-RateLimit-Remaining` says 0, or on a 429 that gives no remaining count;
 * - the IETF `RateLimit` header (`"default";r=0;t=30`: `t` seconds once `r` is 0, or on a 429).
 * A reset counts only when the budget is spent, and on a 429 `Retry-After` wins: `Retry-After: 1` beside the
 * hour-away `X-RateLimit-Reset` a provider sends on every answer waits 1 s. Otherwise the longest wait wins.
 */
export function readPushback(
  headers: Pick<Headers, "get">,
  httpStatus: number,
  now: number = Date.now(),
): number | undefined {
  // Read on every answer, so no allocation unless a header is there.
  const asked = parseRetryAfter(headers.get("retry-after"), now);
  if (asked !== undefined && httpStatus === 429) return asked;
  return longer(asked, rateLimitWait(headers, httpStatus, now));
}

/**
 * The rate-limit headers' part of {@link readPushback}: seconds until the credential's budget resets, when
 * the answer says the budget is spent (remaining 0), or is a 429 that gives no remaining count. @internal
 */
export function rateLimitWait(
  headers: Pick<Headers, "get">,
  httpStatus: number,
  now: number = Date.now(),
): number | undefined {
  const limited = httpStatus === 429;
  let wait = rateLimitReset(headers, "ratelimit-reset", "ratelimit-remaining", limited, now);
  wait = longer(wait, rateLimitReset(headers, "x-ratelimit-reset", "x-ratelimit-remaining", limited, now));
  const structured = headers.get("ratelimit");
  if (structured !== null) {
    for (const item of parseRateLimitItems(structured)) {
      if (item.t !== undefined && (item.r === undefined ? limited : item.r === 0)) wait = longer(wait, item.t);
    }
  }
  return wait;
}

/** The longer of two waits in seconds (either may be absent). @internal */
export const longer = (a: number | undefined, b: number | undefined): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.max(a, b);

/** A `*-Reset` header, counted when its `*-Remaining` says 0, or on a 429 without a `*-Remaining`. */
function rateLimitReset(
  headers: Pick<Headers, "get">,
  resetName: string,
  remainingName: string,
  limited: boolean,
  now: number,
): number | undefined {
  const reset = headers.get(resetName);
  if (reset === null) return undefined;
  const remaining = headers.get(remainingName);
  const spent = remaining === null ? limited : Number(remaining.trim()) === 0;
  if (!spent) return undefined;
  return resetSeconds(reset, now);
}

function resetSeconds(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const number = Number(trimmed);
  if (number >= EPOCH_THRESHOLD) return Math.max(0, Math.ceil(number - now / 1000));
  return Math.ceil(number);
}

/** Whether the answer says the budget is spent (`X-RateLimit-Remaining: 0`, `RateLimit-Remaining: 0`). @internal */
export function budgetSpent(headers: Pick<Headers, "get">): boolean {
  for (const name of ["x-ratelimit-remaining", "ratelimit-remaining"]) {
    const remaining = headers.get(name);
    if (remaining !== null && remaining.trim() !== "" && Number(remaining.trim()) === 0) return true;
  }
  return false;
}

/** The header a wait was read from, as a provider spells it, for messages. @internal */
export function pushbackHeader(headers: Pick<Headers, "get">): string | undefined {
  if (headers.get("retry-after") !== null) return "Retry-After";
  if (headers.get("x-ratelimit-reset") !== null) return "X-RateLimit-Reset";
  if (headers.get("ratelimit-reset") !== null) return "RateLimit-Reset";
  return headers.get("ratelimit") !== null ? "RateLimit" : undefined;
}

/** Items of an IETF `RateLimit` field (a structured-field list: `"name";r=0;t=30, "other";r=5;t=1`). */
function parseRateLimitItems(value: string): { r?: number; t?: number }[] {
  return value.split(",").map((item) => {
    const out: { r?: number; t?: number } = {};
    for (const part of item.split(";").slice(1)) {
      const [key, raw] = part.split("=").map((s) => s.trim());
      if ((key === "r" || key === "t") && raw !== undefined && /^\d+$/.test(raw)) out[key] = Number(raw);
    }
    return out;
  });
}
