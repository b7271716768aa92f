import { AbortError, NetworkError, type OpwatchError, TimeoutError } from "./errors.js";

/** The one abort error of opwatch: the caller's signal fired during `what` ("read", "wait"). @internal */
export function abortError(provider: string | undefined, signal: AbortSignal, what = "read"): AbortError {
  return new AbortError(`${provider ? `${provider}: ` : ""}${what} aborted by the caller's signal.`, {
    provider,
    cause: signal.reason,
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
 * How a limited run stops the work in flight. Two ways, whichever the transport uses:
 * - `signal`, made on first use: a `fetch` that never reads its `signal` cannot be aborted, so it costs no
 *   `AbortController`; one that reads it (undici, browsers, any wrapper that spreads the init) gets a real
 *   signal, already aborted if the run was stopped before it asked;
 * - `onHalt(target)`: the run destroys `target` (a `node:http` request) with the stop error when it halts,
 *   at once if it already has. One target at a time: a later call replaces it (a redirect's next request).
 * @internal
 */
export interface Cut {
  readonly signal: AbortSignal;
  onHalt(target: Haltable): void;
}

/** What a {@link Cut} can stop: a `node:http` `ClientRequest`, or anything with the same `destroy`. @internal */
export interface Haltable {
  destroy(error: Error): unknown;
}

/**
 * Runs `work` under one timer — the sooner of `timeoutMs` and `deadline` — and the caller's signal:
 * `work` gets a {@link Cut} whose signal fires on either, and the returned promise settles at that instant
 * even when `work` ignores its signal. A timeout becomes a retryable `NetworkError`, the deadline a
 * `TimeoutError`, the caller's signal an `AbortError`. Leaves no timer or listener behind. @internal
 */
export function withLimits<T>(limits: Limits, work: (cut: Cut) => Promise<T>): Promise<T> {
  const { provider, signal } = limits;
  if (signal?.aborted) return Promise.reject(abortError(provider, signal));
  const untilDeadline = limits.deadline === undefined ? Number.POSITIVE_INFINITY : limits.deadline - Date.now();
  if (untilDeadline <= 0) return Promise.reject(deadlineError(limits));
  return new Promise<T>((resolve, reject) => {
    const run = new LimitedRun(limits, untilDeadline < limits.timeoutMs, reject);
    run.timer = setTimeout(expire, Math.min(untilDeadline, limits.timeoutMs), run);
    signal?.addEventListener("abort", run, { once: true });
    work(run).then(
      (value) => {
        if (run.finish()) resolve(value);
      },
      (error: unknown) => {
        if (run.finish()) reject(error);
      },
    );
  });
}

/** One run of {@link withLimits}: its timer, its lazily made signal, and how it stopped. */
class LimitedRun implements Cut {
  timer: ReturnType<typeof setTimeout> | undefined;
  private controller: AbortController | undefined;
  private halting: Haltable | undefined;
  private stopped: OpwatchError | undefined;

  constructor(
    private readonly limits: Limits,
    readonly byDeadline: boolean,
    private readonly reject: (error: OpwatchError) => void,
  ) {}

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.stopped) this.controller.abort(this.stopped);
    }
    return this.controller.signal;
  }

  onHalt(target: Haltable): void {
    if (this.stopped) target.destroy(this.stopped);
    else this.halting = target;
  }

  /** The caller's signal fired (this object is its listener). */
  handleEvent(): void {
    this.halt("abort");
  }

  /** Clears the timer and the listener; false when the run was already stopped. */
  finish(): boolean {
    if (this.stopped) return false;
    clearTimeout(this.timer);
    this.limits.signal?.removeEventListener("abort", this);
    return true;
  }

  halt(why: OpwatchStop): void {
    if (!this.finish()) return;
    const { provider, signal, what, timeoutMs } = this.limits;
    const error =
      why === "abort"
        ? abortError(provider, signal as AbortSignal)
        : why === "deadline"
          ? deadlineError(this.limits)
          : new NetworkError(
              `${provider}: the ${what} timed out after ${timeoutMs} ms, so check the network or raise the timeoutMs option.`,
              { provider },
            );
    this.stopped = error;
    this.controller?.abort(error);
    this.reject(error);
    this.halting?.destroy(error);
    this.halting = undefined;
  }
}

function expire(run: LimitedRun): void {
  run.halt(run.byDeadline ? "deadline" : "timeout");
}

type OpwatchStop = "abort" | "deadline" | "timeout";

function deadlineError(limits: Limits): TimeoutError {
  return new TimeoutError(
    `${limits.provider}: the ${limits.what} was cut at its deadline (ReadOptions.deadline, set from a wait's maxWaitMs), so raise maxWaitMs or read again later.`,
    undefined,
    { provider: limits.provider },
  );
}
