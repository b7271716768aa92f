import { type OperationStatus, ValidationError } from "@opwatch/core";
import { Changes } from "./changes.js";
import { type Clock, checkClock } from "./clock.js";
import { waitUntilDone } from "./poll-loop.js";
import type { ReadContext, ReadOnce } from "./read-context.js";
import { Scheduler } from "./scheduler.js";
import { type CheckedOptions, checkWaitOptions, type WaitOptions } from "./wait-options.js";

/** Options of the standalone pollers, which have a scheduler of their own. */
export interface StandalonePollOptions {
  /** Time source (tests and benches pass a fake one). */
  clock?: Clock;
}

/** How `read` is read, with a scheduler of its own, and the wait's options checked before any read. */
function standalone(
  read: ReadOnce,
  label: string,
  options: WaitOptions & StandalonePollOptions,
): [ReadContext, CheckedOptions] {
  if (typeof read !== "function") throw new ValidationError("read must be a function that reads the operation once.");
  const clock = checkClock(options.clock);
  const ctx: ReadContext = {
    read: (_params, request) => read(request),
    label: () => label,
    ref: () => undefined,
    provider: undefined,
    scheduler: new Scheduler(clock),
    origin: label,
    key: label,
    requestTimeoutMs: Number.POSITIVE_INFINITY,
    cutsAtDeadline: false,
  };
  return [ctx, checkWaitOptions(options)];
}

/**
 * Polls any operation with the same poll loop (for one opwatch has no provider package for): yields each
 * observed change and ends after the terminal status.
 */
export function pollChanges(
  read: ReadOnce,
  label: string,
  options: WaitOptions & StandalonePollOptions = {},
): AsyncIterableIterator<OperationStatus> {
  const [ctx, checked] = standalone(read, label, options);
  return new Changes(ctx, undefined, checked);
}

/** Polls to the end and resolves with the final status (see {@link pollChanges}). */
export async function pollUntilDone(
  read: ReadOnce,
  label: string,
  options: WaitOptions & StandalonePollOptions = {},
): Promise<OperationStatus> {
  const [ctx, checked] = standalone(read, label, options);
  return waitUntilDone(ctx, undefined, checked);
}
