import { type OperationStatus, OpwatchError, RateLimitError, TimeoutError } from "@opwatch/core";
import { aborted } from "./abort.js";
import { backoffDelay, DEFAULT_MIN_DELAY_MS } from "./backoff.js";
import { systemClock } from "./clock.js";
import { paceDelay } from "./pacing.js";
import type { LiveState, PollState } from "./poll-state.js";
import type { Outcome, PendingReason, PollResult, StepContext } from "./step-context.js";
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
  | { kind: "error"; error: OpwatchError; state: PollState };

/**
 * One read and what to do next: the unit `watch` and `watcher.step` are built on (`wait` runs the same
 * phases with callbacks, see WaitRun). Honours the shared pushback (no read while it lasts), takes a
 * request slot of the origin, cuts the read at the deadline, retries transient failures within a
 * budget, and paces the next read.
 */
export async function advance(ctx: StepContext, s: LiveState, p: Policy): Promise<Outcome> {
  const scheduler = ctx.scheduler;
  const now = scheduler.clock.now();
  const early = beforeRead(ctx, s, p, now);
  if (early) return early;
  const signal = p.signal;
  const queued = scheduler.acquire(
    ctx.origin,
    signal,
    () => aborted(signal as AbortSignal, ctx.provider),
    s.deadline,
    () => timeout(ctx, s, undefined),
  );
  if (queued) {
    p.onEvent?.({ type: "scheduled", at: now, delayMs: 0, reason: "admission" });
    try {
      await queued;
    } catch (error) {
      if (error instanceof TimeoutError) return { kind: "error", error };
      throw error;
    }
  }
  let result: PollResult;
  try {
    result = await startRead(ctx, s, p);
  } catch (error) {
    scheduler.release(ctx.origin);
    return failed(ctx, s, p, error);
  }
  scheduler.release(ctx.origin);
  return afterRead(ctx, s, p, result);
}

/** The checks before a read: the caller's signal (throws the wait's AbortError), the deadline, and the
 * shared pushback. Returns the outcome when there is to be no read now. */
export function beforeRead(ctx: StepContext, s: LiveState, p: Policy, now: number): Outcome | undefined {
  if (p.signal?.aborted) throw aborted(p.signal, ctx.provider);
  if (now >= s.deadline) return { kind: "error", error: timeout(ctx, s, undefined) };
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
  const last = s.last;
  const status = result.status ?? last;
  const changed = status !== undefined && (last === undefined || differs(last, status));
  if (changed) {
    s.last = status;
    if (s.sampleAt === undefined && status.progress !== undefined) {
      s.sampleAt = now;
      s.sampleProgress = status.progress;
    }
  }
  if (status !== undefined) p.onEvent?.({ type: "status", at: now, status, changed });
  if (status?.done) {
    p.onEvent?.({ type: "done", at: now, status, requests: s.attempt });
    return { kind: "done" };
  }

  const createdAt = status?.createdAt?.getTime();
  const origin = createdAt !== undefined && createdAt < s.startedAt ? createdAt : s.startedAt;
  let delay = paceDelay(
    { now, origin, progress: status?.progress, sampleAt: s.sampleAt, sampleProgress: s.sampleProgress },
    p,
  );
  let reason: PendingReason = "pacing";
  const serverMs = (result.retryAfter ?? 0) * 1000;
  if (serverMs > 0 && now + serverMs > s.deadline) {
    return { kind: "error", error: timeout(ctx, s, result.retryAfter) };
  }
  if (serverMs >= delay) {
    delay = serverMs;
    reason = "retry-after";
  }
  return pending(changed, Math.min(delay, s.deadline - now), reason);
}

/** What a failed read means: the end (abort, deadline, not retryable, budget spent) or a retry after backoff. */
export function failed(ctx: StepContext, s: LiveState, p: Policy, error: unknown): Outcome {
  const now = ctx.scheduler.clock.now();
  if (p.signal?.aborted) throw aborted(p.signal, ctx.provider);
  // Cut at the deadline (by us, or by core's reader, whose TimeoutError means just that): the wait's own
  // TimeoutError, with the last status.
  if (now >= s.deadline || error instanceof TimeoutError) {
    return { kind: "error", error: timeout(ctx, s, undefined, error instanceof TimeoutError ? undefined : error) };
  }
  if (!(error instanceof OpwatchError)) throw error;
  if (!error.retryable) return { kind: "error", error };
  s.failures++;
  s.lastError = error;
  if (s.failures >= p.maxFailures) return { kind: "error", error: exhausted(ctx, s, error) };
  const serverMs = (error.retryAfter ?? 0) * 1000;
  if (serverMs > 0 && now + serverMs > s.deadline) {
    return { kind: "error", error: timeout(ctx, s, error.retryAfter) };
  }
  const delay = Math.min(Math.max(backoffDelay(s.failures, p), serverMs), s.deadline - now);
  // A 429, or a Retry-After on an error, is the provider pushing back: every wait with this key waits.
  if (error instanceof RateLimitError || serverMs > 0) ctx.scheduler.pushback(ctx.key, now + delay);
  p.onEvent?.({ type: "retry", at: now, error, delayMs: delay, failures: s.failures });
  p.onRetry?.(error, delay);
  return pending(false, delay, serverMs > 0 ? "retry-after" : "backoff");
}

function pending(changed: boolean, delayMs: number, reason: PendingReason): Outcome {
  return { kind: "pending", changed, delayMs: Math.max(0, delayMs), reason };
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
    outer?.addEventListener("abort", onAbort, { once: true });
    const timer = ctx.scheduler.at(s.deadline, () => {
      outer?.removeEventListener("abort", onAbort);
      controller.abort();
      reject(timeout(ctx, s, undefined));
    });
    ctx.read({ ifNoneMatch: s.etag, signal: controller.signal, deadline }).then(
      (result) => {
        ctx.scheduler.cancel(timer);
        outer?.removeEventListener("abort", onAbort);
        resolve(result);
      },
      (error: unknown) => {
        ctx.scheduler.cancel(timer);
        outer?.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

function differs(a: OperationStatus, b: OperationStatus): boolean {
  return (
    a.state !== b.state ||
    a.progress !== b.progress ||
    a.rawStatus !== b.rawStatus ||
    a.updatedAt?.getTime() !== b.updatedAt?.getTime() ||
    a.resultUrl !== b.resultUrl
  );
}
