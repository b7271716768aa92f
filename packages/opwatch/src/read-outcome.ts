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
import { differs, instant, isOver, keepStatus, lastStatus, rareOf } from "./last-status.js";
import type { PollResult } from "./read-context.js";
import type { Wait } from "./wait.js";
import { exhausted, timeout } from "./wait-errors.js";

/** What one turn of a wait found. `status`: on `pending`, the status just read when it is a change. */
export type Step =
  | { kind: "pending"; status: OperationStatus | undefined; delayMs: number; reason: PendingReason }
  | { kind: "done"; status: OperationStatus }
  | { kind: "error"; error: OpwatchError };

const pending = (delayMs: number, reason: PendingReason, status?: OperationStatus): Step => ({
  kind: "pending",
  status,
  delayMs,
  reason,
});

const ended = (error: OpwatchError): Step => ({ kind: "error", error });

/** The checks before a read: the deadline and the shared pushback. The step when there is to be no read now. */
export function beforeRead(w: Wait): Step | undefined {
  const { scheduler, key } = w.ctx;
  const now = scheduler.clock.now();
  const deadline = w.deadline;
  if (now >= deadline) return ended(timeout(w));
  const until = scheduler.pushbackUntil(key);
  if (until <= now) return undefined;
  return pending(untilDeadline(pushbackDelay(until - now, w.options), now, deadline), "pushback");
}

/** What an answer means: the new status (a change is kept), done, or when to read next. */
export function answered(w: Wait, result: PollResult): Step {
  const { ctx, options } = w;
  const now = ctx.scheduler.clock.now();
  if (w.rare) {
    w.rare.failures = 0;
    w.rare.lastError = undefined;
  }
  if (result.etag !== undefined) w.etag = result.etag;
  const fresh = result.status;
  const changed = fresh !== undefined && (w.state === undefined || differs(w, fresh));
  const onEvent = options.onEvent;
  if (changed) {
    // The raw body is kept only for onEvent, whose status of a 304 repeats the last one whole.
    keepStatus(w, fresh, onEvent !== undefined);
    if (fresh.progress !== undefined && w.rare?.sampleAt === undefined) {
      const rare = rareOf(w);
      rare.sampleAt = now;
      rare.sampleProgress = fresh.progress;
    }
  }
  // A spent rate-limit budget is the credential's: every wait with this key waits for its reset, even when
  // this answer is the operation's last.
  const reset = result.rateLimitReset;
  if (reset !== undefined && reset > 0) ctx.scheduler.pushback(ctx.key, now + reset * 1000);
  // The status this read stands for: the new one, or (304) the last one, rebuilt only when it goes out.
  const seen = fresh !== undefined || w.state !== undefined;
  const done = fresh ? fresh.done : w.state !== undefined && (w.rare?.done ?? isOver(w.state));
  if (done || (onEvent && seen)) {
    const status = fresh ?? (lastStatus(w) as OperationStatus);
    onEvent?.({ type: "status", at: now, status, changed });
    if (status.done) {
      onEvent?.({ type: "done", at: now, status, requests: w.attempt });
      return { kind: "done", status };
    }
  }
  const createdAt = fresh ? fresh.createdAt?.getTime() : instant(w.createdAt);
  const startedAt = w.startedAt;
  const origin = createdAt !== undefined && createdAt < startedAt ? createdAt : startedAt;
  const rare = w.rare;
  const pace = pacingDelay(
    {
      now,
      origin,
      progress: fresh ? fresh.progress : rare?.progress,
      sampleAt: rare?.sampleAt,
      sampleProgress: rare?.sampleProgress,
    },
    options,
  );
  const deadline = w.deadline;
  const retryAfterMs = (result.retryAfter ?? 0) * 1000;
  if (retryAfterMs > 0 && now + retryAfterMs > deadline) return ended(timeout(w, result.retryAfter));
  const { delayMs, reason } = atLeastRetryAfter(pace, "pacing", retryAfterMs);
  return pending(untilDeadline(delayMs, now, deadline), reason as PendingReason, changed ? fresh : undefined);
}

/** What a failed read means: the end (abort, deadline, not retryable, budget spent) or a retry after backoff. */
export function failed(w: Wait, error: unknown): Step {
  const { ctx, options } = w;
  const now = ctx.scheduler.clock.now();
  const signal = options.signal;
  if (signal?.aborted) throw aborted(signal, ctx.provider);
  const deadline = w.deadline;
  // Cut at the deadline (by us, or by core's reader, whose TimeoutError means just that): the wait's own
  // TimeoutError, with the last status.
  if (now >= deadline || error instanceof TimeoutError) {
    return ended(timeout(w, undefined, error instanceof TimeoutError ? undefined : error));
  }
  if (!(error instanceof OpwatchError)) throw error;
  if (!error.retryable) return ended(error);
  const rare = rareOf(w);
  const failures = (rare.failures ?? 0) + 1;
  rare.failures = failures;
  rare.lastError = error;
  const retryAfterMs = (error.retryAfter ?? 0) * 1000;
  const backoff = Math.max(failureBackoff(failures, options), retryAfterMs);
  // A 429, or a Retry-After on an error, is the provider pushing back: every wait with this key waits,
  // even when this one ends here (its failure budget or its deadline).
  if (error instanceof RateLimitError || retryAfterMs > 0) ctx.scheduler.pushback(ctx.key, now + backoff);
  if (failures >= options.maxConsecutiveFailures) return ended(exhausted(w, error));
  if (retryAfterMs > 0 && now + retryAfterMs > deadline) return ended(timeout(w, error.retryAfter));
  const delayMs = untilDeadline(backoff, now, deadline);
  options.onEvent?.({ type: "retry", at: now, error, delayMs, failures });
  options.onRetry?.(error, delayMs);
  return pending(delayMs, retryAfterMs > 0 ? "retry-after" : "backoff");
}
