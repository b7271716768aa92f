import { ValidationError } from "@opwatch/core";

/**
 * The time source of a watcher's scheduler. Injectable, so that fake-clock tests and the bench drive
 * every wait without touching wall time.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` once after `ms` milliseconds; returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a `setTimeout` that has not run yet. */
  clearTimeout(handle: unknown): void;
}

/** `Date.now` and the global timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** The clock an option gave, checked (a ValidationError when it lacks a method); `undefined` for none. */
export function checkClock(clock: Clock | undefined): Clock | undefined {
  if (
    clock !== undefined &&
    !(
      typeof clock?.now === "function" &&
      typeof clock.setTimeout === "function" &&
      typeof clock.clearTimeout === "function"
    )
  ) {
    throw new ValidationError("clock must have now(), setTimeout() and clearTimeout().");
  }
  return clock;
}
