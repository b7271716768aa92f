import { isSignal, type OperationStatus, type OpwatchError, ValidationError } from "@opwatch/core";
import type { PacingOptions } from "./pacing.js";

/** What the poller is doing, for live displays and logs (`onEvent`). `at` is epoch ms. */
export type PollEvent =
  | { type: "request"; at: number; attempt: number }
  | { type: "status"; at: number; status: OperationStatus; changed: boolean }
  | { type: "retry"; at: number; error: OpwatchError; delayMs: number; failures: number }
  | {
      type: "scheduled";
      at: number;
      delayMs: number;
      reason: "backoff" | "pacing" | "retry-after" | "pushback" | "admission";
    }
  | { type: "done"; at: number; status: OperationStatus; requests: number };

/** Options of one step; `wait` and `watch` take these and more (PollOptions). */
export interface StepOptions extends PacingOptions {
  signal?: AbortSignal;
  /** Give up after this many ms with a TimeoutError carrying the last status (default 30 minutes). A
   * request in flight at that instant is cut. With a state, the state's deadline holds instead. */
  maxWaitMs?: number;
  /** Reject after this many transient failures in a row (network, 408, 429, 5xx; default 8), with the
   * last one as `cause`. A successful read resets the count. */
  maxConsecutiveFailures?: number;
  /** Called with each request, answer, retry, scheduled poll and the end. */
  onEvent?: (event: PollEvent) => void;
}

export const DEFAULT_MAX_WAIT_MS = 30 * 60_000;
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 8;

/** Options resolved once per wait (and shared by every wait that brings no options of its own). */
export interface Policy extends StepOptions {
  maxWaitMs: number;
  maxConsecutiveFailures: number;
  onRetry?: ((error: OpwatchError, delayMs: number) => void) | undefined;
  /** `wait` and `watch`: called with each observed change. */
  onProgress?: ((status: OperationStatus) => void) | undefined;
  /** `wait`: a failed or canceled end rejects with OperationFailedError. */
  throwOnFailure: boolean;
}

/** Resolves and checks poll options once per wait, before any request: a copy with the defaults filled in. */
export function resolvePolicy(
  options: StepOptions & {
    onRetry?: (error: OpwatchError, delayMs: number) => void;
    onProgress?: (status: OperationStatus) => void;
    throwOnFailure?: boolean;
  },
): Policy {
  for (const key of ["minDelayMs", "maxDelayMs", "maxWaitMs", "ageRatio"] as const) {
    const value = options[key];
    if (value !== undefined && !(Number.isFinite(value) && (value as number) >= 0)) {
      throw new ValidationError(
        `${key} must be a non-negative number${key === "ageRatio" ? "" : " of milliseconds"}, got ${String(value)}.`,
      );
    }
  }
  const budget = options.maxConsecutiveFailures;
  if (budget !== undefined && !(Number.isInteger(budget) && budget >= 1)) {
    throw new ValidationError(`maxConsecutiveFailures must be a whole number of at least 1, got ${String(budget)}.`);
  }
  checkSignal(options.signal);
  for (const key of ["onProgress", "onRetry", "onEvent", "random"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "function") {
      throw new ValidationError(`${key} must be a function.`);
    }
  }
  return {
    ...options,
    maxWaitMs: options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
    maxConsecutiveFailures: budget ?? DEFAULT_MAX_CONSECUTIVE_FAILURES,
    throwOnFailure: options.throwOnFailure ?? true,
  };
}

/** A `signal` option must be an AbortSignal (anything with `aborted` and `addEventListener`): a ValidationError
 * before any request, not a TypeError from deep inside the wait. */
export function checkSignal(signal: unknown): void {
  if (signal !== undefined && !isSignal(signal)) {
    throw new ValidationError(`signal must be an AbortSignal, got ${signal === null ? "null" : typeof signal}.`);
  }
}
