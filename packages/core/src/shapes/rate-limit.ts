// What a provider's rate-limit reset header means, as its spec declares (`x-opwatch.rateLimit`):
// - `window` (the default): the reset ends a fixed window, and nothing works before it;
// - `refill`: the reset is when the budget is *full* again, while requests come back one per
//   `refillSeconds` (default 1) — so a spent budget waits for the next request, never the whole refill.

import type { RateLimitDescription } from "../description.js";

/** Seconds to wait on a spent budget whose reset header says `resetSeconds`, under the declared semantics. */
export function spentBudgetWait(resetSeconds: number, rateLimit: RateLimitDescription | undefined): number {
  if (rateLimit?.reset !== "refill") return resetSeconds;
  return Math.min(resetSeconds, rateLimit.refillSeconds ?? 1);
}

/** How a message names the wait: the header, and for a refill what it means (`X-RateLimit-Reset, one request back every 1 s`). */
export function describeWaitSource(header: string, rateLimit: RateLimitDescription | undefined): string {
  if (rateLimit?.reset !== "refill" || /^retry-after$/i.test(header) || /retryDelay/.test(header)) return header;
  return `${header}, one request back every ${rateLimit.refillSeconds ?? 1} s`;
}
