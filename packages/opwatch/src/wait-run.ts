import { OperationFailedError, type OperationStatus } from "@opwatch/core";
import { aborted } from "./abort.js";
import type { LiveState } from "./poll-state.js";
import type { SlotWaiter } from "./request-slots.js";
import { afterRead, beforeRead, failed, startRead } from "./step.js";
import type { Outcome, PollResult, StepContext } from "./step-context.js";
import type { Policy } from "./step-options.js";
import type { Wakeup } from "./timer-heap.js";
import { timeout } from "./wait-errors.js";

/** What a wait does at the end and on each change. */
export interface WaitHooks {
  onProgress?: ((status: OperationStatus) => void) | undefined;
  /** Throw OperationFailedError when the operation ends failed or canceled (default true). */
  throwOnFailure?: boolean | undefined;
}

const IDLE = 0; // reading, or between two phases
const SLEEPING = 1; // in the scheduler's heap until the next read
const QUEUED = 2; // in the origin's queue for a request slot (and in the heap until the deadline)
const DONE = 3;

/**
 * One wait, driven by callbacks rather than an async loop, through the same phases as `advance`
 * (beforeRead, a request slot, startRead, afterRead or failed). The wait is its own wake-up in the
 * scheduler's heap and its own place in the origin's queue: a sleeping or queued wait is this one object,
 * and sleeping, queueing and waking allocate nothing. 10,000 waits are 10,000 of these, not 10,000
 * suspended async frames with a promise, a timer entry and closures each per sleep.
 */
export class WaitRun implements Wakeup, SlotWaiter {
  at = 0;
  seq = 0;
  index = -1;
  cancelled = false;
  #mode = IDLE;
  readonly #ctx: StepContext;
  readonly #s: LiveState;
  readonly #p: Policy;
  readonly #hooks: WaitHooks;
  readonly #resolve: (status: OperationStatus) => void;
  readonly #reject: (error: unknown) => void;
  readonly #onAbort: (() => void) | undefined;

  /** Runs a wait to its end: resolves with the final status, rejects like `watcher.wait`. */
  static start(ctx: StepContext, s: LiveState, p: Policy, hooks: WaitHooks): Promise<OperationStatus> {
    return new Promise((resolve, reject) => new WaitRun(ctx, s, p, hooks, resolve, reject).#step());
  }

  private constructor(
    ctx: StepContext,
    s: LiveState,
    p: Policy,
    hooks: WaitHooks,
    resolve: (status: OperationStatus) => void,
    reject: (error: unknown) => void,
  ) {
    this.#ctx = ctx;
    this.#s = s;
    this.#p = p;
    this.#hooks = hooks;
    this.#resolve = resolve;
    this.#reject = reject;
    if (p.signal && !p.signal.aborted) {
      this.#onAbort = () => this.#abort();
      p.signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  /** The scheduler's call: the sleep is over, or the deadline passed while queued for a slot. */
  wake(): void {
    if (this.#mode === SLEEPING) {
      this.#mode = IDLE;
      this.#step();
    } else if (this.#mode === QUEUED) {
      this.#fail(timeout(this.#ctx, this.#s, undefined));
    }
  }

  /** The request slots' call: a slot passed to this wait. */
  admit(): void {
    this.#ctx.scheduler.cancel(this); // the deadline wake-up of the queued wait
    this.#mode = IDLE;
    this.#read();
  }

  #step(): void {
    const { scheduler, origin } = this.#ctx;
    try {
      const now = scheduler.clock.now();
      const early = beforeRead(this.#ctx, this.#s, this.#p, now);
      if (early) {
        this.#next(early);
      } else if (scheduler.slots.take(origin)) {
        this.#read();
      } else {
        this.cancelled = false;
        this.#mode = QUEUED;
        scheduler.slots.enqueue(origin, this);
        if (this.#s.deadline !== Number.POSITIVE_INFINITY) scheduler.wakeAt(this, this.#s.deadline);
        this.#p.onEvent?.({ type: "scheduled", at: now, delayMs: 0, reason: "admission" });
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Sends the read (holding a slot); its answer or failure comes back to {@link #settle}. */
  #read(): void {
    let reading: Promise<PollResult>;
    try {
      reading = startRead(this.#ctx, this.#s, this.#p);
    } catch (error) {
      reading = Promise.reject(error);
    }
    reading.then(
      (result) => this.#settle(result, undefined),
      (error: unknown) => this.#settle(undefined, error),
    );
  }

  #settle(result: PollResult | undefined, error: unknown): void {
    this.#ctx.scheduler.release(this.#ctx.origin);
    let outcome: Outcome;
    try {
      outcome =
        result === undefined
          ? failed(this.#ctx, this.#s, this.#p, error)
          : afterRead(this.#ctx, this.#s, this.#p, result);
    } catch (thrown) {
      this.#fail(thrown);
      return;
    }
    this.#next(outcome);
  }

  /** After a step: the end, or a sleep until the next one. */
  #next(outcome: Outcome): void {
    const { onProgress } = this.#hooks;
    const { scheduler, provider } = this.#ctx;
    const signal = this.#p.signal;
    try {
      if (outcome.kind === "error") {
        this.#fail(outcome.error);
      } else if (outcome.kind === "done") {
        const final = this.#s.last as OperationStatus;
        onProgress?.(final);
        this.#succeed(settle(this.#ctx, final, this.#hooks));
      } else {
        if (outcome.changed && onProgress) onProgress(this.#s.last as OperationStatus);
        const { delayMs, reason } = outcome;
        this.#p.onEvent?.({ type: "scheduled", at: scheduler.clock.now(), delayMs, reason });
        if (signal?.aborted) {
          this.#fail(aborted(signal, provider));
        } else {
          this.#mode = SLEEPING;
          scheduler.wakeAt(this, scheduler.clock.now() + delayMs);
        }
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  /** The caller's signal fired: a sleeping or queued wait ends now; a read in flight is cut by the same signal. */
  #abort(): void {
    if (this.#mode === SLEEPING || this.#mode === QUEUED) {
      this.#fail(aborted(this.#p.signal as AbortSignal, this.#ctx.provider));
    }
  }

  #end(): boolean {
    if (this.#mode === DONE) return false;
    if (this.#mode === QUEUED) this.cancelled = true;
    this.#mode = DONE;
    this.#ctx.scheduler.cancel(this);
    if (this.#onAbort) this.#p.signal?.removeEventListener("abort", this.#onAbort);
    return true;
  }

  #succeed(status: OperationStatus): void {
    if (this.#end()) this.#resolve(status);
  }

  #fail(error: unknown): void {
    if (this.#end()) this.#reject(error);
  }
}

/** The final status, or OperationFailedError when it ended failed or canceled (unless told not to throw). */
function settle(ctx: StepContext, final: OperationStatus, hooks: WaitHooks): OperationStatus {
  if ((hooks.throwOnFailure ?? true) && (final.state === "failed" || final.state === "canceled")) {
    const why = final.error ? `: ${final.error.code ? `${final.error.code} ` : ""}${final.error.message}` : "";
    throw new OperationFailedError(`${ctx.label()} ended ${final.state}${why.replace(/\.$/, "")}.`, final, {
      provider: final.provider,
      code: final.error?.code,
    });
  }
  return final;
}
