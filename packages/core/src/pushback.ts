// How long a provider asked us to wait, from every header providers use for it.
import { parseRetryAfter } from "./timestamps.js";

/** Reset values at or above this are epoch seconds (2001-09-09); below, seconds from now. */
const EPOCH_THRESHOLD = 1_000_000_000;

/**
 * Seconds to wait before the next request, or `undefined` when the answer asks for no pause:
 * - `Retry-After` (delta-seconds or an HTTP-date), on any answer;
 * - `RateLimit-Reset` / `X-RateLimit-Reset` (delta seconds, or epoch seconds told apart by magnitude), on a
 *   429 or when `RateLimit-Remaining` / `X-RateLimit-Remaining` says 0;
 * - the IETF `RateLimit` header (`"default";r=0;t=30`: `t` seconds once `r` is 0, or on a 429).
 * When several say something, the longest wait wins.
 */
export function readPushback(headers: Headers, httpStatus: number, now: number = Date.now()): number | undefined {
  const waits: number[] = [];
  const retryAfter = parseRetryAfter(headers.get("retry-after"), now);
  if (retryAfter !== undefined) waits.push(retryAfter);
  const limited = httpStatus === 429;

  for (const prefix of ["ratelimit", "x-ratelimit"]) {
    const reset = headers.get(`${prefix}-reset`);
    if (reset === null) continue;
    const remaining = headers.get(`${prefix}-remaining`);
    if (!limited && !(remaining !== null && Number(remaining.trim()) === 0)) continue;
    const seconds = resetSeconds(reset, now);
    if (seconds !== undefined) waits.push(seconds);
  }

  const structured = headers.get("ratelimit");
  if (structured !== null) {
    for (const item of parseRateLimitItems(structured)) {
      if (item.t === undefined) continue;
      if (limited || item.r === 0) waits.push(item.t);
    }
  }
  return waits.length === 0 ? undefined : Math.max(...waits);
}

function resetSeconds(value: string, now: number): number | undefined {
  const trimmed = value.trim();
  if (!/^\d+(\.\d+)?$/.test(trimmed)) return undefined;
  const number = Number(trimmed);
  if (number >= EPOCH_THRESHOLD) return Math.max(0, Math.ceil(number - now / 1000));
  return Math.ceil(number);
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
