import { AbortError, NetworkError, TimeoutError } from "./errors.js";

/** The one abort error of opwatch: the caller's signal fired during `what` ("read", "wait"). @internal */
export function abortError(provider: string | undefined, signal: AbortSignal, what = "read"): AbortError {
  return new AbortError(`${provider ? `${provider}: ` : ""}${what} aborted by the caller's signal.`, {
    provider,
    cause: signal.reason,
  });
}

/** Waits `ms`, or rejects with {@link abortError} as soon as `signal` fires; leaves no timer or listener behind. @internal */
export function sleep(ms: number, signal?: AbortSignal, provider?: string): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(provider, signal, "wait"));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(provider, signal as AbortSignal, "wait"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** @internal */
export interface Limits {
  provider: string;
  /** What is being done, for messages ("read of getOperation"). */
  what: string;
  /** Bounds this one request (the `timeoutMs` option). */
  timeoutMs: number;
  /** Epoch ms at which everything stops (`ReadOptions.deadline`, a wait's `maxWaitMs`). */
  deadline?: number | undefined;
  signal?: AbortSignal | undefined;
}

/**
 * Runs `work` under one timer — the sooner of `timeoutMs` and `deadline` — and the caller's signal:
 * `work` gets a signal that fires on either, and the returned promise settles at that instant even when
 * `work` ignores its signal. A timeout becomes a retryable `NetworkError`, the deadline a `TimeoutError`,
 * the caller's signal an `AbortError`. Leaves no timer or listener behind. @internal
 */
export function withLimits<T>(limits: Limits, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { provider, signal } = limits;
  if (signal?.aborted) return Promise.reject(abortError(provider, signal));
  const now = Date.now();
  const untilDeadline = limits.deadline === undefined ? Number.POSITIVE_INFINITY : limits.deadline - now;
  if (untilDeadline <= 0) return Promise.reject(deadlineError(limits));
  const byDeadline = untilDeadline < limits.timeoutMs;
  const controller = new AbortController();
  return new Promise<T>((resolve, reject) => {
    let stop: OpwatchStop | undefined;
    const finish = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const halt = (why: OpwatchStop) => {
      if (stop) return;
      stop = why;
      finish();
      const error =
        why === "abort"
          ? abortError(provider, signal as AbortSignal)
          : why === "deadline"
            ? deadlineError(limits)
            : new NetworkError(
                `${provider}: the ${limits.what} timed out after ${limits.timeoutMs} ms, so check the network or raise the timeoutMs option.`,
                { provider },
              );
      controller.abort(error);
      reject(error);
    };
    const onAbort = () => halt("abort");
    const timer = setTimeout(
      () => halt(byDeadline ? "deadline" : "timeout"),
      Math.min(untilDeadline, limits.timeoutMs),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
    work(controller.signal).then(
      (value) => {
        if (stop) return;
        finish();
        resolve(value);
      },
      (error: unknown) => {
        if (stop) return;
        finish();
        reject(error);
      },
    );
  });
}

type OpwatchStop = "abort" | "deadline" | "timeout";

function deadlineError(limits: Limits): TimeoutError {
  return new TimeoutError(
    `${limits.provider}: the ${limits.what} was cut at its deadline (ReadOptions.deadline, set from a wait's maxWaitMs), so raise maxWaitMs or read again later.`,
    undefined,
    { provider: limits.provider },
  );
}
