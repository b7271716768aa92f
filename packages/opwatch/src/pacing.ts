import { DEFAULT_MAX_DELAY_MS, DEFAULT_MIN_DELAY_MS } from "./backoff.js";

/** How often to poll an operation that has not finished. */
export interface PacingOptions {
  /** Floor between two polls, in ms (default 1 000). */
  minDelayMs?: number;
  /** Cap between two polls, in ms (default 60 000). */
  maxDelayMs?: number;
  /**
   * The one knob of the trade-off between requests and detection lag (default 0.15): without progress,
   * the next poll comes `minDelayMs + ageRatio × the operation's age` later (±50 % jitter). Higher
   * sends fewer requests and notices the end later; 0 polls at the floor.
   */
  ageRatio?: number;
  /** Random source in [0, 1) for the jitter (tests pass a fixed one). */
  random?: () => number;
}

export const DEFAULT_AGE_RATIO = 0.15;
/** With progress, the next poll comes after this fraction of the estimated remaining time. */
const REMAINING_FRACTION = 0.5;

/** What the pacing knows of an operation: its age and a first progress sample to measure a rate from. */
export interface PacingInput {
  now: number;
  /** When it started: the operation's `createdAt` when known and earlier, else the wait's start. */
  origin: number;
  /** Progress now (0..1), when the provider reports it. */
  progress: number | undefined;
  /** The first progress sample of this wait (time, value). */
  sampleAt: number | undefined;
  sampleProgress: number | undefined;
}

/**
 * Delay before the next poll. With progress, the completion is estimated from the progress rate (since
 * the first sample, or since `origin` when there is one sample) and the next poll comes after half the
 * estimated remaining time, or just after the estimated end once that is within two floors; without a
 * rate, it grows with the operation's age. A change of progress never resets anything: the pace
 * follows the operation's age and rate, not the number of polls.
 */
export function paceDelay(input: PacingInput, options: PacingOptions = {}): number {
  const floor = options.minDelayMs ?? DEFAULT_MIN_DELAY_MS;
  const cap = Math.max(floor, options.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
  const random = options.random ?? Math.random;
  const remaining = estimateRemaining(input);
  if (remaining !== undefined) {
    if (remaining <= 2 * floor) return Math.min(cap, Math.max(floor, Math.round(remaining + floor / 4)));
    const jitter = 0.9 + 0.2 * random();
    return Math.round(Math.min(cap, Math.max(floor, remaining * REMAINING_FRACTION * jitter)));
  }
  const age = Math.max(0, input.now - input.origin);
  const ratio = options.ageRatio ?? DEFAULT_AGE_RATIO;
  return Math.round(Math.min(cap, floor + ratio * age * (0.5 + random())));
}

/** Estimated ms to completion from the progress rate, or `undefined` without a usable rate. */
export function estimateRemaining(input: PacingInput): number | undefined {
  const { now, progress, sampleAt, sampleProgress } = input;
  if (progress === undefined || progress <= 0 || progress >= 1) return undefined;
  let rate: number | undefined;
  if (sampleAt !== undefined && sampleProgress !== undefined && progress > sampleProgress && now > sampleAt) {
    rate = (progress - sampleProgress) / (now - sampleAt);
  } else if (now > input.origin) {
    rate = progress / (now - input.origin);
  }
  if (rate === undefined || !(rate > 0)) return undefined;
  return (1 - progress) / rate;
}
