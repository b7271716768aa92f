import { type OperationStatus, OpwatchError, RateLimitError, TimeoutError, ValidationError } from "@opwatch/core";
import { aborted } from "./abort.js";
import { backoffDelay } from "./backoff.js";
import { systemClock } from "./clock.js";
import { type PacingOptions, paceDelay } from "./pacing.js";
import type { Scheduler } from "./scheduler.js";

/** One read's outcome, as the operation reader reports it. */
export interface PollResult {
  /** The new status; `undefined` when the server answered 304 Not Modified. */
  status: OperationStatus | undefined;
  etag?: string | undefined;
  /** Seconds the server asked to wait before the next poll. */
  retryAfter?: number | undefined;
}

/** How to send one read (the operation); the poller decides when (Azure core-lro's split). */
export type ReadOnce = (request: {
  ifNoneMatch: string | undefined;
  signal: AbortSignal | undefined;
  /** Epoch ms at which the read must be cut (the wait's `maxWaitMs`). */
  deadline?: number | undefined;
}) => Promise<PollResult>;

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

/** A wait's progress as plain JSON: store it anywhere and pass it to the next `step`. */
export interface PollState {
  v: 1;
  /** Epoch ms when the wait started. */
  startedAt: number;
  /** Epoch ms after which the wait ends with TimeoutError. */
  deadline: number;
  /** Reads sent so far. */
  attempt: number;
  /** Transient failures in a row. */
  failures: number;
  etag?: string;
  /** The last status seen (`OperationStatus` as JSON: dates as ISO strings). */
  last?: unknown;
  /** The first progress sample, to measure the progress rate from. */
  pacing?: { at: number; progress: number };
}

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

export const DEFAULT_MAX_WAIT_MS = 30 * 60_000;
export const DEFAULT_MAX_CONSECUTIVE_FAILURES = 8;

/** Where a step reads and whom it shares the scheduler with. */
export interface StepContext {
  read: ReadOnce;
  label: string;
  provider: string | undefined;
  scheduler: Scheduler;
  /** Key of the request slots (the origin). */
  origin: string;
  /** Key of the provider's pushback (origin and credential; never a token). */
  key: string;
  /** The reader's own per-request timeout: a read that ends by itself well before the deadline needs no
   * deadline timer of ours. */
  requestTimeoutMs: number;
  /** The reader cuts the read at `deadline` itself (core's reader, on the system clock). */
  cutsAtDeadline: boolean;
}

/** The state a wait carries between steps; PollState is its JSON form. */
export interface LiveState {
  startedAt: number;
  deadline: number;
  attempt: number;
  failures: number;
  etag: string | undefined;
  last: OperationStatus | undefined;
  sampleAt: number | undefined;
  sampleProgress: number | undefined;
  lastError: OpwatchError | undefined;
}

/** Options resolved once per wait. */
export interface Policy extends PacingOptions {
  signal: AbortSignal | undefined;
  maxWaitMs: number;
  maxFailures: number;
  onEvent: ((event: PollEvent) => void) | undefined;
  onRetry: ((error: OpwatchError, delayMs: number) => void) | undefined;
}

export type Outcome =
  | { kind: "pending"; changed: boolean; delayMs: number; reason: "backoff" | "pacing" | "retry-after" | "pushback" }
  | { kind: "done" }
  | { kind: "error"; error: OpwatchError };

const PENDING_PUSHBACK = "pushback";

/**
 * One read and what to do next: the unit `wait`, `watch` and `watcher.step` are built on. Honours the
 * shared pushback (no read while it lasts), takes a request slot of the origin, cuts the read at the
 * deadline, retries transient failures within a budget, and paces the next read.
 */
export async function advance(ctx: StepContext, s: LiveState, p: Policy): Promise<Outcome> {
  const scheduler = ctx.scheduler;
  const clock = scheduler.clock;
  const signal = p.signal;
  let now = clock.now();
  if (signal?.aborted) throw aborted(signal, ctx.provider);
  if (now >= s.deadline) return { kind: "error", error: timeout(ctx, s, undefined) };

  const until = scheduler.pushbackUntil(ctx.key);
  if (until > now) {
    // Spread the waits that resume together over up to one floor.
    const spread = Math.round((p.minDelayMs ?? 1000) * (p.random ?? Math.random)());
    return pending(false, Math.min(until - now + spread, s.deadline - now), PENDING_PUSHBACK);
  }

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
    now = clock.now();
  }

  s.attempt++;
  p.onEvent?.({ type: "request", at: now, attempt: s.attempt });
  let result: PollResult;
  try {
    result = await readBounded(ctx, s, p, now);
  } catch (error) {
    scheduler.release(ctx.origin);
    return failed(ctx, s, p, error);
  }
  scheduler.release(ctx.origin);
  now = clock.now();

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
  let reason: "pacing" | "retry-after" = "pacing";
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

function pending(
  changed: boolean,
  delayMs: number,
  reason: "backoff" | "pacing" | "retry-after" | "pushback",
): Outcome {
  return { kind: "pending", changed, delayMs: Math.max(0, delayMs), reason };
}

function failed(ctx: StepContext, s: LiveState, p: Policy, error: unknown): Outcome {
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

export function differs(a: OperationStatus, b: OperationStatus): boolean {
  return (
    a.state !== b.state ||
    a.progress !== b.progress ||
    a.rawStatus !== b.rawStatus ||
    a.updatedAt?.getTime() !== b.updatedAt?.getTime() ||
    a.resultUrl !== b.resultUrl
  );
}

function timeout(
  ctx: StepContext,
  s: LiveState,
  retryAfter: number | undefined,
  cause: unknown = s.lastError,
): TimeoutError<OperationStatus> {
  const last = s.last;
  const seen = last
    ? `last state: ${last.state}${last.rawStatus ? ` (${last.rawStatus})` : ""}${
        last.progress === undefined ? "" : `, ${Math.round(last.progress * 100)}%`
      }`
    : "no status seen yet";
  const why = retryAfter === undefined ? "" : ` (the server asked to wait ${retryAfter} s more)`;
  const failure = s.lastError ? `; last error: ${s.lastError.message.replace(/\.$/, "")}` : "";
  return new TimeoutError(
    `${ctx.label} not done after ${formatMs(s.deadline - s.startedAt)}${why}; ${seen}${failure}. Raise maxWaitMs or poll again later with the same ref.`,
    last,
    { provider: last?.provider ?? ctx.provider, cause },
  );
}

function exhausted(ctx: StepContext, s: LiveState, last: OpwatchError): OpwatchError {
  const Kind = last.constructor as new (message: string, details: object) => OpwatchError;
  return new Kind(
    `${ctx.label}: gave up after ${s.failures} failures in a row (raise maxConsecutiveFailures to keep trying); the last: ${last.message}`,
    {
      provider: last.provider ?? ctx.provider,
      httpStatus: last.httpStatus,
      code: last.code,
      requestId: last.requestId,
      retryAfter: last.retryAfter,
      cause: last,
    },
  );
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/** Resolves and checks poll options once per wait, before any request. */
export function resolvePolicy(
  options: StepOptions & { onRetry?: (error: OpwatchError, delayMs: number) => void; onProgress?: unknown },
): Policy {
  for (const key of ["minDelayMs", "maxDelayMs", "maxWaitMs"] as const) {
    const value = options[key];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
      throw new ValidationError(`${key} must be a non-negative number of milliseconds, got ${String(value)}.`);
    }
  }
  const ratio = options.ageRatio;
  if (ratio !== undefined && !(typeof ratio === "number" && Number.isFinite(ratio) && ratio >= 0)) {
    throw new ValidationError(`ageRatio must be a non-negative number, got ${String(ratio)}.`);
  }
  const budget = options.maxConsecutiveFailures;
  if (budget !== undefined && !(Number.isInteger(budget) && budget >= 1)) {
    throw new ValidationError(`maxConsecutiveFailures must be a whole number of at least 1, got ${String(budget)}.`);
  }
  for (const key of ["onProgress", "onRetry", "onEvent", "random"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "function") {
      throw new ValidationError(`${key} must be a function.`);
    }
  }
  return {
    minDelayMs: options.minDelayMs,
    maxDelayMs: options.maxDelayMs,
    ageRatio: options.ageRatio,
    random: options.random,
    signal: options.signal,
    maxWaitMs: options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS,
    maxFailures: budget ?? DEFAULT_MAX_CONSECUTIVE_FAILURES,
    onEvent: options.onEvent,
    onRetry: options.onRetry,
  };
}

export function startState(now: number, maxWaitMs: number): LiveState {
  return {
    startedAt: now,
    deadline: now + maxWaitMs,
    attempt: 0,
    failures: 0,
    etag: undefined,
    last: undefined,
    sampleAt: undefined,
    sampleProgress: undefined,
    lastError: undefined,
  };
}

/** The JSON form of a wait's state. */
export function toPollState(s: LiveState): PollState {
  const state: PollState = {
    v: 1,
    startedAt: s.startedAt,
    deadline: s.deadline,
    attempt: s.attempt,
    failures: s.failures,
  };
  if (s.etag !== undefined) state.etag = s.etag;
  if (s.last !== undefined) state.last = JSON.parse(JSON.stringify(s.last));
  if (s.sampleAt !== undefined && s.sampleProgress !== undefined) {
    state.pacing = { at: s.sampleAt, progress: s.sampleProgress };
  }
  return state;
}

/** Reads a PollState back (from JSON); refuses anything else with a ValidationError. */
export function fromPollState(state: PollState): LiveState {
  const ok =
    state !== null &&
    typeof state === "object" &&
    state.v === 1 &&
    [state.startedAt, state.deadline, state.attempt, state.failures].every(
      (n) => typeof n === "number" && Number.isFinite(n),
    ) &&
    (state.etag === undefined || typeof state.etag === "string") &&
    (state.last === undefined || (typeof state.last === "object" && state.last !== null)) &&
    (state.pacing === undefined ||
      (typeof state.pacing?.at === "number" && typeof state.pacing?.progress === "number"));
  if (!ok) {
    throw new ValidationError(
      "A poll state must be the `state` of an earlier step, as JSON: { v: 1, startedAt, deadline, attempt, failures, … }.",
    );
  }
  let last: OperationStatus | undefined;
  if (state.last !== undefined) {
    const json = state.last as Record<string, unknown>;
    last = {
      ...(json as unknown as OperationStatus),
      createdAt: toDate(json.createdAt),
      updatedAt: toDate(json.updatedAt),
    };
  }
  return {
    startedAt: state.startedAt,
    deadline: state.deadline,
    attempt: state.attempt,
    failures: state.failures,
    etag: state.etag,
    last,
    sampleAt: state.pacing?.at,
    sampleProgress: state.pacing?.progress,
    lastError: undefined,
  };
}

function toDate(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
