import { isSignal, type OperationStatus, type OpwatchError, ValidationError } from "@opwatch/core";
import {
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  DEFAULT_MAX_WAIT_MS,
  type PollDelayOptions,
  type WaitReason,
} from "./delays.js";

/** What the poller is doing, for live displays and logs (`onEvent`). `at` is epoch ms. */
export type PollEvent =
  | { type: "request"; at: number; attempt: number }
  | { type: "status"; at: number; status: OperationStatus; changed: boolean }
  | { type: "retry"; at: number; error: OpwatchError; delayMs: number; failures: number }
  | { type: "scheduled"; at: number; delayMs: number; reason: WaitReason }
  | { type: "done"; at: number; status: OperationStatus; requests: number };

/**
 * The options of a wait, and the watcher's defaults for its waits (`polling`). `wait`, `watch` and
 * `step` take the same options; each says below which of them reads which.
 */
export interface WaitOptions extends PollDelayOptions {
  /** Aborting rejects at once with AbortError and leaves no timer behind. */
  signal?: AbortSignal;
  /** Give up after this many ms with a TimeoutError carrying the last status (default 30 minutes). A
   * request in flight at that instant is cut. With a step's state, the state's deadline holds instead. */
  maxWaitMs?: number;
  /** Reject after this many transient failures in a row (network, 408, 429, 5xx; default 8), with the
   * last one as `cause`. A successful read resets the count. */
  maxConsecutiveFailures?: number;
  /** Called with each request, answer, retry, scheduled read and the end. */
  onEvent?: (event: PollEvent) => void;
  /** Called with each observed change (state, progress, status word or update time). */
  onProgress?: (status: OperationStatus) => void;
  /** Called when a transient failure (network, 408, 429, 5xx) will be retried after `delayMs`. */
  onRetry?: (error: OpwatchError, delayMs: number) => void;
  /** (`wait`) Reject with OperationFailedError when the operation ends failed or canceled (default true). */
  throwOnFailure?: boolean;
}

/** Wait options checked once, at the boundary, with their defaults filled in. */
export interface CheckedOptions extends WaitOptions {
  maxWaitMs: number;
  maxConsecutiveFailures: number;
  throwOnFailure: boolean;
}

/** Checks wait options once, before any request, and returns a copy with the defaults filled in. */
export function checkWaitOptions(options: WaitOptions): CheckedOptions {
  if (options === null || typeof options !== "object") {
    throw new ValidationError(`wait options must be an object, got ${options === null ? "null" : typeof options}.`);
  }
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
