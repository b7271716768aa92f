import { type OperationStatus, OpwatchError, RateLimitError, TimeoutError } from "@opwatch/core";
import { aborted } from "./abort.js";
import {
  atLeastRetryAfter,
  failureBackoff,
  type PendingReason,
  pacingDelay,
  pushbackDelay,
  untilDeadline,
} from "./delays.js";
import { compactTime, full, instant, type Kept, keep, type WaitState } from "./poll-state.js";
import type { PollResult, ReadContext } from "./read-context.js";
import { type Loop, NO_SLOT, READ, ScheduledRead, SLOT } from "./scheduled-read.js";
import { exhausted, timeout } from "./wait-errors.js";
import type { CheckedOptions } from "./wait-options.js";

/** What one step of a wait found. `status`: on `pending`, the status just read when it is a change. */
export type Step =
  | { kind: "pending"; status: OperationStatus | undefined; changed: boolean; delayMs: number; reason: PendingReason }
  | { kind: "done"; status: OperationStatus }
  | { kind: "error"; error: OpwatchError };

/**
 * One wait: its state between reads (what {@link PollState} stores) and one step of the poll loop
 * ({@link Wait.step}), on a {@link ScheduledRead} (its wake-up in the heap, its place in its origin's queue for a
 * request slot, its read). A sleeping wait is this object and the promise it sleeps on: 10,000 waits are
 * 10,000 of these.
 */
export class Wait extends ScheduledRead implements WaitState {
  /** The start as the scheduler keeps instants (see {@link startedAt}). */
  #startedAt: number;
  failures = 0;
  last: Kept | undefined = undefined;
  sampleAt: number | undefined = undefined;
  sampleProgress: number | undefined = undefined;
  lastError: OpwatchError | undefined = undefined;

  constructor(ctx: ReadContext, options: CheckedOptions) {
    const now = ctx.scheduler.clock.now();
    super(ctx, options, now);
    this.#startedAt = ctx.scheduler.relative(now);
  }

  /** Epoch ms when the wait started. */
  get startedAt(): number {
    return this.ctx.scheduler.absolute(this.#startedAt);
  }
  set startedAt(at: number) {
    this.#startedAt = this.ctx.scheduler.relative(at);
  }

  /**
   * One step of the poll loop: the checks (deadline, pushback), a request slot, one read and what it
   * means. Throws only the wait's AbortError (the caller's signal) and what no wait can handle (a read
   * that throws something other than an OpwatchError).
   */
  *step(): Loop<Step> {
    const early = this.#beforeRead();
    if (early) return early;
    const slot = yield SLOT;
    if (slot === false) return this.#ended(timeout(this.ctx, this));
    // A pushback began while this wait queued (the answer that freed the slot brought it): no read now.
    if (slot === NO_SLOT) return this.#beforeRead() ?? pending(false, 0, "pushback");
    const { scheduler, origin } = this.ctx;
    try {
      let result: PollResult;
      try {
        result = (yield READ) as PollResult;
      } catch (error) {
        return this.#failed(error);
      }
      return this.#answered(result);
    } finally {
      // The slot passes on once the answer is read: a pushback it brought holds the next queued wait too.
      scheduler.release(origin);
    }
  }

  /** The checks before a read: the deadline and the shared pushback. The step when there is to be no read now. */
  #beforeRead(): Step | undefined {
    const now = this.ctx.scheduler.clock.now();
    if (now >= this.deadline) return this.#ended(timeout(this.ctx, this));
    const until = this.ctx.scheduler.pushbackUntil(this.ctx.key);
    if (until <= now) return undefined;
    return pending(false, untilDeadline(pushbackDelay(until - now, this.options), now, this.deadline), "pushback");
  }

  /** What an answer means: the new status (a change is kept), done, or when to read next. */
  #answered(result: PollResult): Step {
    const { ctx, options } = this;
    const now = ctx.scheduler.clock.now();
    this.failures = 0;
    this.lastError = undefined;
    if (result.etag !== undefined) this.etag = result.etag;
    const fresh = result.status;
    const last = this.last;
    const changed = fresh !== undefined && (last === undefined || differs(last, fresh));
    const onEvent = options.onEvent;
    if (changed) {
      // The raw body is kept only for onEvent, whose status of a 304 repeats the last one whole.
      this.last = keep(fresh, ctx.ref, onEvent !== undefined);
      if (this.sampleAt === undefined && fresh.progress !== undefined) {
        this.sampleAt = now;
        this.sampleProgress = fresh.progress;
      }
    }
    // A spent rate-limit budget is the credential's: every wait with this key waits for its reset, even when
    // this answer is the operation's last.
    const reset = result.rateLimitReset;
    if (reset !== undefined && reset > 0) ctx.scheduler.pushback(ctx.key, now + reset * 1000);
    // The status this read stands for: the new one, or (304) the last one, rebuilt only when it goes out.
    const seen = fresh ?? last;
    if (seen?.done || (onEvent && seen)) {
      const status = fresh ?? full(last as Kept, ctx.ref);
      onEvent?.({ type: "status", at: now, status, changed });
      if (status.done) {
        onEvent?.({ type: "done", at: now, status, requests: this.attempt });
        return { kind: "done", status };
      }
    }
    const createdAt = fresh ? fresh.createdAt?.getTime() : instant(last?.createdAt);
    const startedAt = this.startedAt;
    const origin = createdAt !== undefined && createdAt < startedAt ? createdAt : startedAt;
    const pace = pacingDelay(
      { now, origin, progress: seen?.progress, sampleAt: this.sampleAt, sampleProgress: this.sampleProgress },
      options,
    );
    const retryAfterMs = (result.retryAfter ?? 0) * 1000;
    if (retryAfterMs > 0 && now + retryAfterMs > this.deadline) {
      return this.#ended(timeout(ctx, this, result.retryAfter));
    }
    const { delayMs, reason } = atLeastRetryAfter(pace, "pacing", retryAfterMs);
    return pending(
      changed,
      untilDeadline(delayMs, now, this.deadline),
      reason as PendingReason,
      changed ? fresh : undefined,
    );
  }

  /** What a failed read means: the end (abort, deadline, not retryable, budget spent) or a retry after backoff. */
  #failed(error: unknown): Step {
    const { ctx, options } = this;
    const now = ctx.scheduler.clock.now();
    const signal = options.signal;
    if (signal?.aborted) throw aborted(signal, ctx.provider);
    // Cut at the deadline (by us, or by core's reader, whose TimeoutError means just that): the wait's own
    // TimeoutError, with the last status.
    if (now >= this.deadline || error instanceof TimeoutError) {
      return this.#ended(timeout(ctx, this, undefined, error instanceof TimeoutError ? undefined : error));
    }
    if (!(error instanceof OpwatchError)) throw error;
    if (!error.retryable) return this.#ended(error);
    this.failures++;
    this.lastError = error;
    const retryAfterMs = (error.retryAfter ?? 0) * 1000;
    const backoff = Math.max(failureBackoff(this.failures, options), retryAfterMs);
    // A 429, or a Retry-After on an error, is the provider pushing back: every wait with this key waits,
    // even when this one ends here (its failure budget or its deadline).
    if (error instanceof RateLimitError || retryAfterMs > 0) ctx.scheduler.pushback(ctx.key, now + backoff);
    if (this.failures >= options.maxConsecutiveFailures) return this.#ended(exhausted(ctx, this, error));
    if (retryAfterMs > 0 && now + retryAfterMs > this.deadline)
      return this.#ended(timeout(ctx, this, error.retryAfter));
    const delayMs = untilDeadline(backoff, now, this.deadline);
    options.onEvent?.({ type: "retry", at: now, error, delayMs, failures: this.failures });
    options.onRetry?.(error, delayMs);
    return pending(false, delayMs, retryAfterMs > 0 ? "retry-after" : "backoff");
  }

  protected override deadlineError(): Error {
    return timeout(this.ctx, this);
  }

  #ended(error: OpwatchError): Step {
    return { kind: "error", error };
  }
}

function pending(changed: boolean, delayMs: number, reason: PendingReason, status?: OperationStatus): Step {
  return { kind: "pending", changed, delayMs, reason, status };
}

function differs(a: Kept, b: OperationStatus): boolean {
  return (
    a.state !== b.state ||
    a.progress !== b.progress ||
    a.rawStatus !== b.rawStatus ||
    a.updatedAt !== compactTime(b.updatedAt?.getTime()) ||
    a.resultUrl !== b.resultUrl
  );
}
