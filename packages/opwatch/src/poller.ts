import { type OperationStatus, type OpwatchError, ValidationError } from "@opwatch/core";
import { aborted } from "./abort.js";
import { type Clock, checkClock } from "./clock.js";
import { Scheduler } from "./scheduler.js";
import type { ReadOnce, StepContext } from "./step-context.js";
import { type Policy, resolvePolicy, type StepOptions } from "./step-options.js";
import { WaitRun } from "./wait-run.js";

export interface PollOptions extends StepOptions {
  /** Called with each observed change (state, progress, status word or update time). */
  onProgress?: (status: OperationStatus) => void;
  /** Called when a transient failure (network, 408, 429, 5xx) will be retried after `delayMs`. */
  onRetry?: (error: OpwatchError, delayMs: number) => void;
}

export interface WaitOptions extends PollOptions {
  /** Throw OperationFailedError when the operation ends failed or canceled (default true). */
  throwOnFailure?: boolean;
}

/** Options of the standalone pollers, which have a scheduler of their own. */
export interface StandalonePollOptions {
  /** Time source (tests and benches pass a fake one). */
  clock?: Clock;
}

/**
 * Yields each observed change, the first read at once, and ends after the terminal status. Between
 * reads: the pacing (progress rate, else the operation's age), never earlier than a `Retry-After`;
 * transient failures (network, 408, 429, 5xx) retried with backoff within `maxConsecutiveFailures`;
 * anything else thrown at once. The wait's clock starts now, not at the first `next()`.
 */
export function watchLoop(ctx: StepContext, p: Policy): AsyncGenerator<OperationStatus> {
  return changes(ctx, p, new WaitRun(ctx, p, false));
}

async function* changes(ctx: StepContext, p: Policy, run: WaitRun): AsyncGenerator<OperationStatus> {
  const scheduler = ctx.scheduler;
  for (;;) {
    const outcome = await run.once();
    if (outcome.kind === "error") throw outcome.error;
    const status = outcome.status;
    if (status) {
      p.onProgress?.(status);
      yield status;
    }
    if (outcome.kind === "done") return;
    p.onEvent?.({ type: "scheduled", at: scheduler.clock.now(), delayMs: outcome.delayMs, reason: outcome.reason });
    await scheduler.sleep(outcome.delayMs, p.signal, () => aborted(p.signal as AbortSignal, ctx.provider));
  }
}

function standalone(read: ReadOnce, label: string, options: WaitOptions & StandalonePollOptions) {
  if (typeof read !== "function") throw new ValidationError("read must be a function that reads the operation once.");
  const clock = checkClock(options.clock);
  const p = resolvePolicy(options);
  const ctx: StepContext = {
    read,
    label: () => label,
    provider: undefined,
    scheduler: new Scheduler(clock),
    origin: label,
    key: label,
    requestTimeoutMs: Number.POSITIVE_INFINITY,
    cutsAtDeadline: false,
  };
  return { ctx, p };
}

/**
 * Polls any operation with the same poller (for one opwatch has no provider package for): yields each
 * observed change and ends after the terminal status. See {@link watchLoop}.
 */
export function pollChanges(
  read: ReadOnce,
  label: string,
  options: PollOptions & StandalonePollOptions = {},
): AsyncGenerator<OperationStatus> {
  const { ctx, p } = standalone(read, label, options);
  return watchLoop(ctx, p);
}

/** Polls to the end and resolves with the final status (see {@link pollChanges}). */
export async function pollUntilDone(
  read: ReadOnce,
  label: string,
  options: WaitOptions & StandalonePollOptions = {},
): Promise<OperationStatus> {
  const { ctx, p } = standalone(read, label, options);
  return WaitRun.start(ctx, p);
}
