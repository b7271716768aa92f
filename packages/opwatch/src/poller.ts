import { OperationFailedError, type OperationStatus, OpwatchError, TimeoutError, ValidationError } from "@opwatch/core";
import { type BackoffOptions, backoffDelay } from "./backoff.js";
import { aborted, sleep } from "./sleep.js";

/** One poll's outcome, as the operation reader reports it. */
export interface PollResult {
  /** The new status; `undefined` when the server answered 304 Not Modified. */
  status: OperationStatus | undefined;
  etag?: string | undefined;
  /** Seconds the server asked to wait before the next poll. */
  retryAfter?: number | undefined;
}

/** How to send one poll (the operation); the poller decides when (Azure core-lro's split). */
export type ReadOnce = (request: {
  ifNoneMatch: string | undefined;
  signal: AbortSignal | undefined;
}) => Promise<PollResult>;

export interface PollOptions extends BackoffOptions {
  signal?: AbortSignal;
  /** Give up after this many ms with a TimeoutError carrying the last status (default 30 minutes). */
  maxWaitMs?: number;
  /** Called with each observed change (state, progress, status word or update time). */
  onProgress?: (status: OperationStatus) => void;
  /** Called when a transient failure (network, 408, 429, 5xx) will be retried after `delayMs`. */
  onRetry?: (error: OpwatchError, delayMs: number) => void;
}

export interface WaitOptions extends PollOptions {
  /** Throw OperationFailedError when the operation ends failed or canceled (default true). */
  throwOnFailure?: boolean;
}

export const DEFAULT_MAX_WAIT_MS = 30 * 60_000;

/**
 * Polls until the operation is done: first poll at once, then backoff with jitter between the floor and
 * the cap, restarting the sequence whenever the operation changes; `Retry-After` is always honoured
 * (never polled earlier); transient failures (network, 408, 429, 5xx) are retried inside the wait,
 * anything else is thrown at once. Yields each observed change; ends after the terminal status.
 */
export async function* pollChanges(
  read: ReadOnce,
  label: string,
  options: PollOptions = {},
): AsyncGenerator<OperationStatus> {
  validatePollOptions(options);
  const { signal } = options;
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  const deadline = Date.now() + maxWaitMs;
  let last: OperationStatus | undefined;
  let etag: string | undefined;
  let attempt = 0;
  let lastFailure: OpwatchError | undefined;

  for (;;) {
    if (signal?.aborted) throw aborted(signal, last?.provider);
    let retryAfter: number | undefined;
    let observed: OperationStatus | undefined;
    try {
      const result = await read({ ifNoneMatch: etag, signal });
      lastFailure = undefined;
      retryAfter = result.retryAfter;
      if (result.etag !== undefined) etag = result.etag;
      const next = result.status ?? last;
      if (next && (!last || changed(last, next))) observed = next;
    } catch (error) {
      if (!(error instanceof OpwatchError) || !error.retryable) throw error;
      lastFailure = error;
      retryAfter = error.retryAfter;
    }
    if (observed) {
      last = observed;
      attempt = 0;
      options.onProgress?.(observed);
      yield observed;
      if (observed.done) return;
    } else {
      attempt += 1;
    }

    const now = Date.now();
    const floorFromServer = (retryAfter ?? 0) * 1000;
    const delay = Math.max(backoffDelay(attempt, options), floorFromServer);
    if (now >= deadline || now + floorFromServer > deadline) {
      throw timeout(
        label,
        maxWaitMs,
        last,
        lastFailure,
        floorFromServer > 0 && now < deadline ? retryAfter : undefined,
      );
    }
    const wait = Math.min(delay, deadline - now);
    if (lastFailure) options.onRetry?.(lastFailure, wait);
    await sleep(wait, signal, last?.provider);
  }
}

/** Polls to the end and resolves with the final status (see {@link pollChanges}). */
export async function pollUntilDone(
  read: ReadOnce,
  label: string,
  options: WaitOptions = {},
): Promise<OperationStatus> {
  let final: OperationStatus | undefined;
  for await (const status of pollChanges(read, label, options)) final = status;
  if (!final) throw new ValidationError(`${label}: polling ended without a status.`);
  if ((options.throwOnFailure ?? true) && (final.state === "failed" || final.state === "canceled")) {
    const why = final.error ? `: ${final.error.code ? `${final.error.code} ` : ""}${final.error.message}` : "";
    throw new OperationFailedError(`${label} ended ${final.state}${why}.`, final, {
      provider: final.provider,
      code: final.error?.code,
    });
  }
  return final;
}

function changed(a: OperationStatus, b: OperationStatus): boolean {
  return (
    a.state !== b.state ||
    a.progress !== b.progress ||
    a.rawStatus !== b.rawStatus ||
    a.updatedAt?.getTime() !== b.updatedAt?.getTime() ||
    a.resultUrl !== b.resultUrl
  );
}

function timeout(
  label: string,
  maxWaitMs: number,
  last: OperationStatus | undefined,
  failure: OpwatchError | undefined,
  retryAfter: number | undefined,
): TimeoutError<OperationStatus> {
  const seen = last
    ? `last state: ${last.state}${last.rawStatus ? ` (${last.rawStatus})` : ""}${
        last.progress === undefined ? "" : `, ${Math.round(last.progress * 100)}%`
      }`
    : "no status seen yet";
  const why = retryAfter === undefined ? "" : ` (the server asked to wait ${retryAfter} s more)`;
  const lastError = failure ? `; last error: ${failure.message}` : "";
  return new TimeoutError(
    `${label} not done after ${formatMs(maxWaitMs)}${why}; ${seen}${lastError}. Raise maxWaitMs or poll again later with the same ref.`,
    last,
    { provider: last?.provider ?? failure?.provider, cause: failure },
  );
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

function validatePollOptions(options: PollOptions): void {
  for (const key of ["minDelayMs", "maxDelayMs", "maxWaitMs"] as const) {
    const value = options[key];
    if (value !== undefined && !(typeof value === "number" && Number.isFinite(value) && value >= 0)) {
      throw new ValidationError(`${key} must be a non-negative number of milliseconds, got ${String(value)}.`);
    }
  }
  for (const key of ["onProgress", "onRetry"] as const) {
    if (options[key] !== undefined && typeof options[key] !== "function") {
      throw new ValidationError(`${key} must be a function.`);
    }
  }
}
