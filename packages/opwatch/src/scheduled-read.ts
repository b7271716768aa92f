import { type Abortable, aborted } from "./abort.js";
import type { PollResult, ReadContext } from "./read-context.js";
import type { SlotWaiter } from "./request-slots.js";
import type { Wakeup } from "./timer-heap.js";
import type { CheckedOptions } from "./wait-options.js";

const IDLE = 0; // running its own code, or handed back to the caller between steps
const SLEEPING = 1; // in the scheduler's heap until its next read
const QUEUED = 2; // in the origin's queue for a request slot, and in the heap until its deadline
const READING = 3; // holding a slot, its read in flight

/**
 * Reads one operation through the scheduler: queues for a request slot of its origin (in the heap until its
 * deadline meanwhile), sends the read cut at the deadline or by the caller's signal, and can sleep in the
 * scheduler's heap. `get` is one of these; a {@link Wait} is one with the poll loop's step on top. Each
 * suspension listens for the signal through the scheduler's one listener per signal.
 */
export class ScheduledRead implements Wakeup, SlotWaiter, Abortable {
  at = 0;
  seq = 0;
  index = -1;
  /** Epoch ms after which the wait ends with TimeoutError (never, for a `get`). */
  deadline: number;
  /** Reads sent so far. */
  attempt = 0;
  etag: string | undefined = undefined;
  readonly ctx: ReadContext;
  readonly options: CheckedOptions;
  #mode = IDLE;
  /** Resumes the sleep or the queueing (true when a slot came, false at the deadline; a rejected promise when
   * the caller's signal fired): the promise's one function a parked wait holds. */
  #resume: ((outcome: boolean | Promise<never>) => void) | undefined = undefined;
  /** Ends the read in flight with an error (the caller's signal, the deadline). */
  #cut: ((error: unknown) => void) | undefined = undefined;

  constructor(ctx: ReadContext, options: CheckedOptions, now: number) {
    this.ctx = ctx;
    this.options = options;
    this.deadline = now + options.maxWaitMs;
  }

  /** One read and nothing else (`get`): a request slot, the read, the slot given back. */
  async readOnce(): Promise<PollResult> {
    const { scheduler, origin } = this.ctx;
    if (!scheduler.slots.take(origin)) await this.queue();
    try {
      return await this.read();
    } finally {
      scheduler.release(origin);
    }
  }

  /** Sleeps `ms` in the scheduler's heap; rejects with the wait's AbortError when the signal fires. */
  sleep(ms: number): Promise<unknown> {
    return this.#suspend(SLEEPING, this.ctx.scheduler.clock.now() + ms);
  }

  /** The scheduler's call: the sleep is over, or the deadline passed while queued for a slot. */
  wake(): void {
    if (this.#mode === SLEEPING) this.#resumeWith(true);
    else if (this.#mode === QUEUED) this.#resumeWith(false);
  }

  /** Whether the origin's queue should skip this wait: it no longer waits for a slot. */
  get cancelled(): boolean {
    return this.#mode !== QUEUED;
  }

  /** The request slots' call: a slot passed to this wait. */
  admit(): boolean {
    if (this.#mode !== QUEUED) return false;
    this.ctx.scheduler.cancel(this); // the deadline wake-up of the queued wait
    this.#resumeWith(true);
    return true;
  }

  /** The caller's signal fired: a sleeping or queued wait ends now; a read in flight is cut. */
  abort(): void {
    const error = aborted(this.options.signal as AbortSignal, this.ctx.provider);
    if (this.#mode === SLEEPING || this.#mode === QUEUED) {
      this.ctx.scheduler.cancel(this);
      const resume = this.#resume;
      this.#leave();
      resume?.(Promise.reject(error));
    } else {
      this.#cut?.(error); // a read in flight leaves as it settles
    }
  }

  /** The error of a read cut at the deadline by our own timer. */
  protected deadlineError(): Error {
    return new Error("unreachable: a read without a deadline was cut at it");
  }

  /** Waits for a request slot of the origin: true once one passed to this wait, false at the deadline. */
  protected queue(): Promise<boolean> {
    const { scheduler, origin } = this.ctx;
    this.options.onEvent?.({ type: "scheduled", at: scheduler.clock.now(), delayMs: 0, reason: "admission" });
    const queued = this.#suspend(QUEUED, this.deadline); // finite for a wait: maxWaitMs and a state's deadline are checked
    scheduler.slots.enqueue(origin, this);
    return queued;
  }

  /** Parks the wait (sleeping or queued) with a wake-up at `at`, listening for the caller's signal. */
  #suspend(mode: number, at: number): Promise<boolean> {
    const signal = this.options.signal;
    if (signal?.aborted) return Promise.reject(aborted(signal, this.ctx.provider));
    return new Promise<boolean>((resolve) => {
      this.#mode = mode;
      this.#resume = resolve;
      if (at !== Number.POSITIVE_INFINITY) this.ctx.scheduler.wakeAt(this, at);
      if (signal) this.ctx.scheduler.aborts.watch(signal, this);
    });
  }

  #resumeWith(admitted: boolean): void {
    const resume = this.#resume;
    this.#leave();
    resume?.(admitted);
  }

  /** Back to IDLE: no continuation held, no signal listened to. */
  #leave(): void {
    this.#mode = IDLE;
    this.#resume = undefined;
    this.#cut = undefined;
    const signal = this.options.signal;
    if (signal) this.ctx.scheduler.aborts.forget(signal, this);
  }

  /**
   * Counts and announces the read, then sends it, cut at the deadline: by core's reader (`deadline`) on
   * the system clock; on another clock, by a timer of the scheduler when the read's own timeout would not
   * end it before the deadline. A wait with a signal cuts its read through the signal's one listener.
   */
  protected read(): Promise<PollResult> {
    const { ctx, options } = this;
    const { scheduler } = ctx;
    const now = scheduler.clock.now();
    this.attempt++;
    options.onEvent?.({ type: "request", at: now, attempt: this.attempt });
    // A reader on another clock than Date.now cannot judge an epoch deadline: it gets none.
    const deadline = ctx.cutsAtDeadline && Number.isFinite(this.deadline) ? this.deadline : undefined;
    const needsTimer = !ctx.cutsAtDeadline && this.deadline - now <= ctx.requestTimeoutMs + 1000;
    const signal = options.signal;
    if (!needsTimer && !signal) return ctx.read({ ifNoneMatch: this.etag, signal: undefined, deadline });
    if (signal?.aborted) return Promise.reject(aborted(signal, ctx.provider));
    const controller = new AbortController();
    return new Promise<PollResult>((resolve, reject) => {
      const timer = needsTimer ? scheduler.at(this.deadline, () => cut(this.deadlineError())) : undefined;
      // Settles the read once, whichever comes first; never throws (a clock that throws while the timer is
      // cleared ends the read with its error, rather than leaving it unsettled).
      const settle = (settled: () => void) => {
        if (this.#mode !== READING) return;
        this.#leave();
        try {
          if (timer) scheduler.cancel(timer);
        } catch (error) {
          reject(error);
          return;
        }
        settled();
      };
      const cut = (error: unknown) =>
        settle(() => {
          controller.abort(error);
          reject(error);
        });
      this.#mode = READING;
      this.#cut = cut;
      if (signal) scheduler.aborts.watch(signal, this);
      let reading: Promise<PollResult>;
      try {
        reading = ctx.read({ ifNoneMatch: this.etag, signal: controller.signal, deadline });
      } catch (error) {
        reading = Promise.reject(error);
      }
      reading.then(
        (result) => settle(() => resolve(result)),
        (error: unknown) => settle(() => reject(error)),
      );
    });
  }
}
