/** When to poll next: exponential backoff with full jitter above a floor, capped (defaults documented in the README). */
export interface BackoffOptions {
  /** Floor between two polls, in ms (default 1 000). */
  minDelayMs?: number;
  /** Cap between two polls, in ms (default 60 000). */
  maxDelayMs?: number;
  /** Random source in [0, 1) for the jitter (tests pass a fixed one). */
  random?: () => number;
}

export const DEFAULT_MIN_DELAY_MS = 1_000;
export const DEFAULT_MAX_DELAY_MS = 60_000;

/**
 * Delay before poll number `attempt + 1` since the operation last changed: a random value in
 * [floor, min(cap, floor · 2^attempt)] ("full jitter" above the floor), so that many waiters spread
 * out and a quiet operation is polled less and less often.
 */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const floor = options.minDelayMs ?? DEFAULT_MIN_DELAY_MS;
  const cap = Math.max(floor, options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
  const ceiling = Math.min(cap, floor * 2 ** Math.min(attempt, 30));
  const random = options.random ?? Math.random;
  return Math.round(floor + (ceiling - floor) * random());
}
