// Pushback as this process knows it: what its own steps heard (a 429, Retry-After, a rate-limit reset),
// checked right before each read. What other workers heard comes from the pushback table, checked when
// a step is claimed (claim_steps), just before its read.
import { pushbackDelay } from "opwatch/internal";

/** The shortest window the steps coming back after a pushback are spread over (the longer the pushback, the
 * wider the window: as long as the pushback, up to five minutes). */
export const PUSHBACK_SPREAD_MS = 2000;

/** A step put off by a pushback comes back at its end plus a random share of the window (the facade's
 * pushback rule, with the window as its floor). */
export function pushbackDelayMs(remainingMs: number): number {
  return pushbackDelay(remainingMs, { minDelayMs: Math.min(5 * 60_000, Math.max(PUSHBACK_SPREAD_MS, remainingMs)) });
}

/** The pushbacks this process heard, by key, as epoch ms (kept while they last). */
export class LocalPushback {
  readonly #until = new Map<string, number>();

  record(key: string, untilMs: number): void {
    if (untilMs > (this.#until.get(key) ?? 0)) this.#until.set(key, untilMs);
  }

  /** Milliseconds left of the pushback on `key`, 0 when none. */
  remainingMs(key: string, now = Date.now()): number {
    const until = this.#until.get(key);
    if (until === undefined) return 0;
    if (until <= now) {
      this.#until.delete(key);
      return 0;
    }
    return until - now;
  }
}
