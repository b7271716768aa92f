// Every rule that decides how long a wait sleeps before its next read, with each rule's default: the pacing
// of an unfinished operation, the backoff after a transient failure, the server's Retry-After, the clamp to
// the wait's deadline, the spread of waits that resume after a pushback, and the jitter of each. The poll
// loop, the CLI's flags and the durable package's workers all take their delays from here.

/** Floor between two reads, ms. */
export const DEFAULT_MIN_DELAY_MS = 1_000;
/** Cap between two reads, ms. */
export const DEFAULT_MAX_DELAY_MS = 60_000;
/** Without progress, an operation at least five floors old is next read `minDelayMs + ageRatio × age` later
 * (the age past 8 s counting twice); a younger one once it is five floors old. */
export const DEFAULT_AGE_RATIO = 0.1;
/** A wait gives up with a TimeoutError after this long. */
export const DEFAULT_MAX_WAIT_MS = 30 * 60_000;
/** Transient failures in a row before a wait gives up. */
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 8;

/** The pacing's jitter without progress: ±30 %. */
const AGE_JITTER = 0.3;
/**
 * Past this age the age counts twice. Measured on `pnpm bench pacing`: one slope cannot beat a fixed 2 s
 * poller on lag at 10 s (it must still read about every 2 s) and on requests at 30 s (it must read less
 * often than that); a gentle slope for a young operation and a steeper one after does both.
 */
const AGE_KNEE_MS = 8_000;
/**
 * An operation younger than this many floors is next read once it is that old (±10 %), not sooner. A
 * delay that only grows with age cannot beat a fixed 2 s poller everywhere (`pnpm bench pacing`): while it
 * reads more often than every 2 s it is ahead on lag and behind on requests, and once it reads less often
 * it is behind on both until its requests fall below the fixed poller's. A first look that comes late
 * puts it ahead on requests from the start, so the denser reads that follow never leave it behind on both.
 */
const YOUNG_FLOORS = 5;
const YOUNG_JITTER = 0.1;
/** The pacing's jitter with progress: ±10 % around half the estimated remaining time. */
const PROGRESS_JITTER = 0.1;
/** With progress, the next read comes after this fraction of the estimated remaining time. */
const REMAINING_FRACTION = 0.5;

/** Why a wait sleeps before its next read. `admission`: it queues for a request slot of its origin. */
export type WaitReason = "pacing" | "backoff" | "retry-after" | "pushback" | "admission";

/** Why a pending step sleeps: a step never reports `admission` (it queues for its slot inside the step). */
export type PendingReason = Exclude<WaitReason, "admission">;

/** The options every delay rule reads. */
export interface PollDelayOptions {
  /** Floor between two reads, in ms (default 1 000). */
  minDelayMs?: number;
  /** Cap between two reads, in ms (default 60 000). */
  maxDelayMs?: number;
  /**
   * The one knob of the trade-off between requests and detection lag (default 0.1): without progress,
   * the next read comes `minDelayMs + ageRatio × the operation's age` later, the age past 8 s counting
   * twice (±30 % jitter). An operation younger than five `minDelayMs` is not read by this rule: its next
   * read comes once it is five `minDelayMs` old (±10 %), whatever the ratio. Higher sends fewer requests
   * and notices the end later; 0 reads at the floor once the operation is five floors old.
   */
  ageRatio?: number;
  /** Random source in [0, 1) for the jitter (tests pass a fixed one). */
  random?: () => number;
}

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

const floorOf = (o: PollDelayOptions): number => o.minDelayMs ?? DEFAULT_MIN_DELAY_MS;
const capOf = (o: PollDelayOptions): number => Math.max(floorOf(o), o.maxDelayMs ?? DEFAULT_MAX_DELAY_MS);
const randomOf = (o: PollDelayOptions): (() => number) => o.random ?? Math.random;

/**
 * `ms` jittered by ±`spread` (a fraction), then kept between the floor and the cap. A delay the jitter
 * pushes past the cap is spread below it instead, so that waits at the cap do not all wake in one tick.
 */
function jitter(ms: number, spread: number, o: PollDelayOptions): number {
  const floor = floorOf(o);
  const cap = capOf(o);
  const random = randomOf(o);
  const jittered = ms * (1 - spread + 2 * spread * random());
  if (jittered >= cap) return Math.round(Math.max(floor, cap * (1 - spread * random())));
  return Math.round(Math.max(floor, jittered));
}

/**
 * Delay before the next read of an operation that has not finished. With progress, the end is estimated
 * from the progress rate (since the first sample, or since `origin` with one sample) and the next read
 * comes after half the estimated remaining time, or a quarter floor after the estimated end once that is
 * within two floors; without a rate, a young operation is next read once it is five floors old, and an
 * older one after a delay that grows with its age. A change alone resets
 * nothing: the pace follows the operation's age and rate, not the number of reads.
 */
export function pacingDelay(input: PacingInput, o: PollDelayOptions = {}): number {
  const floor = floorOf(o);
  const remaining = estimateRemaining(input);
  if (remaining !== undefined) {
    if (remaining <= 2 * floor) return Math.min(capOf(o), Math.max(floor, Math.round(remaining + floor / 4)));
    return jitter(remaining * REMAINING_FRACTION, PROGRESS_JITTER, o);
  }
  const age = Math.max(0, input.now - input.origin);
  const young = YOUNG_FLOORS * floor;
  if (age < young) return jitter(young - age, YOUNG_JITTER, o);
  const weightedAge = age + Math.max(0, age - AGE_KNEE_MS);
  return jitter(floor + (o.ageRatio ?? DEFAULT_AGE_RATIO) * weightedAge, AGE_JITTER, o);
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

/**
 * Delay before the retry of the `failures`-th transient failure in a row: a random value in
 * [floor, min(cap, floor · 2^failures)] ("full jitter" above the floor), so that waits that failed
 * together spread out.
 */
export function failureBackoff(failures: number, o: PollDelayOptions = {}): number {
  const floor = floorOf(o);
  const ceiling = Math.min(capOf(o), floor * 2 ** Math.min(failures, 30));
  return Math.round(floor + (ceiling - floor) * randomOf(o)());
}

/**
 * Delay before the next read when the provider's pushback for the key lasts `remainingMs` more: waited
 * out, plus a random part of one floor, so that the waits it held do not all resume in the same instant.
 */
export function pushbackDelay(remainingMs: number, o: PollDelayOptions = {}): number {
  return Math.max(0, remainingMs) + Math.round(floorOf(o) * randomOf(o)());
}

/**
 * The delay a rule chose, never under the server's `Retry-After` (`retryAfterMs`, 0 for none): the
 * reason becomes `retry-after` when the server's is the longer.
 */
export function atLeastRetryAfter(
  delayMs: number,
  reason: WaitReason,
  retryAfterMs: number,
): { delayMs: number; reason: WaitReason } {
  return retryAfterMs > 0 && retryAfterMs >= delayMs
    ? { delayMs: retryAfterMs, reason: "retry-after" }
    : { delayMs, reason };
}

/** A delay cut to end at the wait's deadline at the latest (never negative). */
export function untilDeadline(delayMs: number, now: number, deadline: number): number {
  return Math.max(0, Math.min(delayMs, deadline - now));
}
