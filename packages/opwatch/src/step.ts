import { type OperationStatus, OpwatchError, RateLimitError, TimeoutError } from "@opwatch/core";
import { aborted } from "./abort.js";
import { backoffDelay, DEFAULT_MIN_DELAY_MS } from "./backoff.js";
import { systemClock } from "./clock.js";
import { paceDelay } from "./pacing.js";
import { full, type Kept, keep, type LiveState, type PollState } from "./poll-state.js";
import type { Outcome, PendingReason, PollResult, SharedPollResult, StepContext } from "./step-context.js";
import type { Policy } from "./step-options.js";
import { exhausted, timeout } from "./wait-errors.js";

/** What one step found, and what to do next. */
export type StepOutcome =
  | {
      kind: "pending";
      /** The last status seen (`undefined` before the first answer). */
      status: OperationStatus | undefined;
      /** True when this step saw a new status (the first one, or a change). */
      changed: boolean;
      /** Step again after this many ms. */
      delayMs: number;
      reason: "backoff" | "pacing" | "retry-after" | "pushback";
      state: PollState;
      /** Set when the provider pushed back: nothing with this key should be sent before `untilMs`. */
      pushback?: { key: string; untilMs: number };
    }
  | { kind: "done"; status: OperationStatus; state: PollState }
  | {
      kind: "error";
      error: OpwatchError;
      state: PollState;
      /** Set when the provider pushed back (the 429 this step ended on, say): nothing with this key should be
       * sent before `untilMs`, even though this wait is over. */
      pushback?: { key: string; untilMs: number };
    };

/** The checks before a read: the caller's signal (throws the wait's AbortError), the deadline, and the
 * shared pushback. Returns the outcome when there is to be no read now. */
export function beforeRead(ctx: StepContext, s: LiveState, p: Policy, now: number): Outcome | undefined {
  if (p.signal?.aborted) throw aborted(p.signal, ctx.provider);
  if (now >= s.deadline) return ended(timeout(ctx, s));
  const until = ctx.scheduler.pushbackUntil(ctx.key);
  if (until <= now) return undefined;
  // Spread the waits that resume together over up to one floor.
  const spread = Math.round((p.minDelayMs ?? DEFAULT_MIN_DELAY_MS) * (p.random ?? Math.random)());
  return pending(false, Math.min(until - now + spread, s.deadline - now), "pushback");
}

/** Counts and announces the read, then sends it (the caller holds a request slot). */
export function startRead(ctx: StepContext, s: LiveState, p: Policy): Promise<PollResult> {
  const now = ctx.scheduler.clock.now();
  s.attempt++;
  p.onEvent?.({ type: "request", at: now, attempt: s.attempt });
  return readBounded(ctx, s, p, now);
}

/** What an answer means: the new status (a change is kept), done, or when to read next. */
export function afterRead(ctx: StepContext, s: LiveState, p: Policy, result: PollResult): Outcome {
  const now = ctx.scheduler.clock.now();
  s.failures = 0;
  s.lastError = undefined;
  if (result.etag !== undefined) s.etag = result.etag;
  const fresh = result.status;
  const last = s.last;
  const changed = fresh !== undefined && (last === undefined || differs(last, fresh));
  if (changed) {
    s.last = keep(fresh, ctx.ref);
    if (s.sampleAt === undefined && fresh.progress !== undefined) {
      s.sampleAt = now;
      s.sampleProgress = fresh.progress;
    }
  }
  // A spent rate-limit budget is the credential's: every wait with this key waits for its reset, even when
  // this answer is the operation's last.
  const reset = (result as SharedPollResult).rateLimitReset;
  if (reset !== undefined && reset > 0) ctx.scheduler.pushback(ctx.key, now + reset * 1000);
  // The status this read stands for: the new one, or (304) the last one, rebuilt only when it goes out.
  const seen = fresh ?? last;
  const onEvent = p.onEvent;
  if (seen?.done || (onEvent && seen)) {
    const status = fresh ?? full(last as Kept, ctx.ref);
    onEvent?.({ type: "status", at: now, status, changed });
    if (status.done) {
      onEvent?.({ type: "done", at: now, status, requests: s.attempt });
      return { kind: "done", status };
    }
  }

  const createdAt = fresh ? fresh.createdAt?.getTime() : last?.createdAt;
  const origin = createdAt !== undefined && createdAt < s.startedAt ? createdAt : s.startedAt;
  let delay = paceDelay(
    { now, origin, progress: seen?.progress, sampleAt: s.sampleAt, sampleProgress: s.sampleProgress },
    p,
  );
  let reason: PendingReason = "pacing";
  const serverMs = (result.retryAfter ?? 0) * 1000;
  if (serverMs > 0 && now + serverMs > s.deadline) return ended(timeout(ctx, s, result.retryAfter));
  if (serverMs >= delay) {
    delay = serverMs;
    reason = "retry-after";
  }
  return pending(changed, Math.min(delay, s.deadline - now), reason, changed ? fresh : undefined);
}

/** What a failed read means: the end (abort, deadline, not retryable, budget spent) or a retry after backoff. */
export function failed(ctx: StepContext, s: LiveState, p: Policy, error: unknown): Outcome {
  const now = ctx.scheduler.clock.now();
  if (p.signal?.aborted) throw aborted(p.signal, ctx.provider);
  // Cut at the deadline (by us, or by core's reader, whose TimeoutError means just that): the wait's own
  // TimeoutError, with the last status.
  if (now >= s.deadline || error instanceof TimeoutError) {
    return ended(timeout(ctx, s, undefined, error instanceof TimeoutError ? undefined : error));
  }
  if (!(error instanceof OpwatchError)) throw error;
  if (!error.retryable) return ended(error);
  s.failures++;
  s.lastError = error;
  const serverMs = (error.retryAfter ?? 0) * 1000;
  const backoff = Math.max(backoffDelay(s.failures, p), serverMs);
  // A 429, or a Retry-After on an error, is the provider pushing back: every wait with this key waits,
  // even when this one ends here (its failure budget or its deadline).
  if (error instanceof RateLimitError || serverMs > 0) ctx.scheduler.pushback(ctx.key, now + backoff);
  if (s.failures >= p.maxConsecutiveFailures) return ended(exhausted(ctx, s, error));
  if (serverMs > 0 && now + serverMs > s.deadline) return ended(timeout(ctx, s, error.retryAfter));
  const delay = Math.min(backoff, s.deadline - now);
  p.onEvent?.({ type: "retry", at: now, error, delayMs: delay, failures: s.failures });
  p.onRetry?.(error, delay);
  return pending(false, delay, serverMs > 0 ? "retry-after" : "backoff");
}

function ended(error: OpwatchError): Outcome {
  return { kind: "error", error };
}

function pending(changed: boolean, delayMs: number, reason: PendingReason, status?: OperationStatus): Outcome {
  return { kind: "pending", changed, delayMs: Math.max(0, delayMs), reason, status };
}

/** The read, cut at the deadline: by core's reader (`deadline`) on the system clock; on another clock, by
 * our own timer when the read's own timeout would not end it before the deadline. */
function readBounded(ctx: StepContext, s: LiveState, p: Policy, now: number): Promise<PollResult> {
  const outer = p.signal;
  // A reader on another clock than Date.now cannot judge an epoch deadline: it gets none.
  const deadline = ctx.scheduler.clock === systemClock ? s.deadline : undefined;
  if (ctx.cutsAtDeadline || s.deadline - now > ctx.requestTimeoutMs + 1000) {
    return ctx.read({ ifNoneMatch: s.etag, signal: outer, deadline });
  }
  const controller = new AbortController();
  return new Promise<PollResult>((resolve, reject) => {
    const onAbort = () => controller.abort(outer?.reason);
    // Never throws: a clock that throws while the timer is cleared ends the read with its error (it would
    // otherwise escape the `.then` below as an unhandled rejection, and the read never settle).
    const end =
      <T>(settle: (value: T) => void) =>
      (value: T) => {
        try {
          ctx.scheduler.cancel(timer);
          outer?.removeEventListener("abort", onAbort);
        } catch (error) {
          reject(error);
          return;
        }
        settle(value);
      };
    outer?.addEventListener("abort", onAbort, { once: true });
    const timer = ctx.scheduler.at(s.deadline, () => {
      controller.abort();
      end(reject)(timeout(ctx, s));
    });
    ctx.read({ ifNoneMatch: s.etag, signal: controller.signal, deadline }).then(end(resolve), end(reject));
  });
}

function differs(a: Kept, b: OperationStatus): boolean {
  return (
    a.state !== b.state ||
    a.progress !== b.progress ||
    a.rawStatus !== b.rawStatus ||
    a.updatedAt !== b.updatedAt?.getTime() ||
    a.resultUrl !== b.resultUrl
  );
}
