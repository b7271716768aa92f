import type { OperationStatus } from "@opwatch/core";
import { type Abortable, aborted } from "./abort.js";
import type { PollResult, ReadContext } from "./read-context.js";
import type { SlotWaiter } from "./request-slots.js";
import type { Wakeup } from "./timer-heap.js";
import type { CheckedOptions } from "./wait-options.js";

/**
 * What a poll loop waits for at each `yield`, carried out by {@link ScheduledRead}: a number is a sleep of
 * that many ms in the scheduler's heap; `SLOT` a request slot of the origin (resumed with true, false when
 * the deadline passed while queued, or `NO_SLOT`); `READ` the read (resumed with its result, or its error thrown);
 * a status is a change to hand on (resumed at once for a wait, when the caller asks for more for a watch).
 * The caller's signal throws the wait's AbortError at whichever `yield` the loop is on.
 */
export type Instruction = number | typeof SLOT | typeof READ | OperationStatus;
export const SLOT = -1;
export const READ = -2;
/** What `yield SLOT` resumes with when a slot came during a pushback and passed on. */
export const NO_SLOT = "no slot";

/** A poll loop (or a single read) as the scheduler runs it. */
export type Loop<T> = Generator<Instruction, T, unknown>;

const IDLE = 0; // running the loop's code, or handed back to the caller (a paused watch)
const SLEEPING = 1; // in the scheduler's heap until its next read
const QUEUED = 2; // in the origin's queue for a request slot, and in the heap until its deadline
const READING = 3; // holding a slot, its read in flight
const ENDED = 4;

/**
 * Runs one poll loop on the scheduler: each sleep is this object in the heap of wake-ups, each wait for a
 * request slot this object in the origin's queue, and each suspension listens for the caller's signal
 * through the scheduler's one listener per signal. Sleeping, queueing and waking allocate nothing: a
 * sleeping wait is this object, its loop's generator and the promise its caller holds. `get` runs a
 * one-read loop on one of these; a {@link Wait} is one with the poll loop's state and step on top.
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
  #loop: Loop<unknown> | undefined = undefined;
  /** Settles the caller's promise: the loop's end (`settle` applied), or what it threw. */
  #resolve: ((value: unknown) => void) | undefined = undefined;
  #reject: ((error: unknown) => void) | undefined = undefined;
  #settle: ((value: unknown, read: ScheduledRead) => unknown) | undefined = undefined;
  /** A watch's hand-off of each change: false pauses the loop until {@link resume}. */
  #onChange: ((status: OperationStatus) => boolean) | undefined = undefined;
  /** Ends the read in flight with an error (the caller's signal, the deadline). */
  #cut: ((error: unknown) => void) | undefined = undefined;

  constructor(ctx: ReadContext, options: CheckedOptions, now: number) {
    this.ctx = ctx;
    this.options = options;
    this.deadline = now + options.maxWaitMs;
  }

  /**
   * Runs `loop` to its end: resolves with `settle` of what it returns (which may throw; a function of the
   * value and this object, so that a sleeping wait holds no closure of its own), rejects with
   * what it throws. `onChange` receives each change it yields; returning false pauses it until
   * {@link resume}.
   */
  run<T, R = T>(
    loop: Loop<T>,
    settle?: (value: T, read: this) => R,
    onChange?: (status: OperationStatus) => boolean,
  ): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.#loop = loop;
      this.#resolve = resolve as (value: unknown) => void;
      this.#reject = reject;
      this.#settle = settle as ((value: unknown, read: ScheduledRead) => unknown) | undefined;
      this.#onChange = onChange;
      this.#advance(undefined, false);
    });
  }

  /** A paused watch goes on (the caller asked for the next change). */
  resume(): void {
    if (this.#mode === IDLE && this.#loop !== undefined) this.#advance(undefined, false);
  }

  /** Ends the loop where it is (a watch's `return()`): nothing more is read. */
  stop(): void {
    if (this.#mode === ENDED) return;
    if (this.#mode === SLEEPING || this.#mode === QUEUED) this.ctx.scheduler.cancel(this);
    const loop = this.#loop;
    this.#leave();
    this.#mode = ENDED;
    this.#loop = undefined;
    try {
      loop?.return(undefined as never);
    } catch {
      // a loop that throws while it stops has nobody left to tell
    }
    this.#resolve?.(undefined);
  }

  /** The scheduler's call: the sleep is over, or the deadline passed while queued for a slot. */
  wake(): void {
    if (this.#mode === SLEEPING) this.#resumeWith(true, false);
    else if (this.#mode === QUEUED) this.#resumeWith(false, false);
  }

  /** Whether the origin's queue should skip this wait: it no longer waits for a slot. */
  get cancelled(): boolean {
    return this.#mode !== QUEUED;
  }

  /**
   * The request slots' call: a slot passed to this wait. Declined when the provider's pushback began while
   * it queued (the answer that freed the slot brought it): the wait then goes on without it (resumed with
   * `NO_SLOT`) and the slot passes to the next, in the queue's own loop rather than down the stack.
   */
  admit(): boolean {
    if (this.#mode !== QUEUED) return false;
    const { scheduler, key } = this.ctx;
    scheduler.cancel(this); // the deadline wake-up of the queued wait
    const pushedBack = scheduler.pushbackUntil(key) > 0;
    this.#resumeWith(pushedBack ? NO_SLOT : true, false);
    return !pushedBack;
  }

  /** The caller's signal fired: a sleeping or queued wait ends now; a read in flight is cut. */
  abort(): void {
    const error = aborted(this.options.signal as AbortSignal, this.ctx.provider);
    if (this.#mode === SLEEPING || this.#mode === QUEUED) {
      this.ctx.scheduler.cancel(this);
      this.#resumeWith(error, true);
    } else if (this.#mode === READING) {
      this.#cut?.(error);
    }
  }

  /** The error of a read cut at the deadline by our own timer. */
  protected deadlineError(): Error {
    return new Error("unreachable: a read without a deadline was cut at it");
  }

  #resumeWith(input: unknown, thrown: boolean): void {
    this.#leave();
    this.#advance(input, thrown);
  }

  /** Back to IDLE: no read to cut, no signal listened to. */
  #leave(): void {
    if (this.#mode === ENDED) return;
    this.#mode = IDLE;
    this.#cut = undefined;
    const signal = this.options.signal;
    if (signal) this.ctx.scheduler.aborts.forget(signal, this);
  }

  /** Runs the loop from where it stopped until it must wait for something (or ends). */
  #advance(input: unknown, thrown: boolean): void {
    const loop = this.#loop;
    if (loop === undefined) return; // stopped while a read was in flight
    for (;;) {
      let next: IteratorResult<Instruction, unknown>;
      try {
        next = thrown ? loop.throw(input) : loop.next(input);
      } catch (error) {
        this.#end(error, true);
        return;
      }
      if (next.done) {
        this.#end(next.value, false);
        return;
      }
      const instruction = next.value;
      thrown = false;
      input = undefined;
      if (typeof instruction === "object") {
        if (this.#onChange?.(instruction) === false) return; // paused: resume() goes on
        continue;
      }
      const signal = this.options.signal;
      if (signal?.aborted) {
        input = aborted(signal, this.ctx.provider);
        thrown = true;
        continue;
      }
      const { scheduler, origin } = this.ctx;
      if (instruction === SLOT) {
        if (scheduler.slots.take(origin)) {
          input = true;
          continue;
        }
        this.options.onEvent?.({ type: "scheduled", at: scheduler.clock.now(), delayMs: 0, reason: "admission" });
        this.#park(QUEUED, this.deadline);
        scheduler.slots.enqueue(origin, this);
        return;
      }
      if (instruction === READ) {
        this.#read();
        return;
      }
      this.#park(SLEEPING, scheduler.clock.now() + instruction);
      return;
    }
  }

  /** Sleeps or queues with a wake-up at `at` (none when infinite), listening for the caller's signal. */
  #park(mode: number, at: number): void {
    this.#mode = mode;
    if (at !== Number.POSITIVE_INFINITY) this.ctx.scheduler.wakeAt(this, at);
    const signal = this.options.signal;
    if (signal) this.ctx.scheduler.aborts.watch(signal, this);
  }

  #end(value: unknown, thrown: boolean): void {
    this.#leave();
    this.#mode = ENDED;
    this.#loop = undefined;
    if (thrown) {
      this.#reject?.(value);
      return;
    }
    const settle = this.#settle;
    let settled: unknown;
    try {
      settled = settle ? settle(value, this) : value;
    } catch (error) {
      this.#reject?.(error);
      return;
    }
    this.#resolve?.(settled);
  }

  /**
   * Counts and announces the read, then sends it, cut at the deadline: by core's reader (`deadline`) on
   * the system clock; on another clock, by a timer of the scheduler when the read's own timeout would not
   * end it before the deadline. A wait with a signal cuts its read through the signal's one listener. The
   * answer (or the failure) resumes the loop.
   */
  #read(): void {
    const { ctx, options } = this;
    const { scheduler } = ctx;
    const now = scheduler.clock.now();
    this.attempt++;
    this.#mode = READING;
    const answered = (result: PollResult) => this.#resumeWith(result, false);
    const failed = (error: unknown) => this.#resumeWith(error, true);
    try {
      options.onEvent?.({ type: "request", at: now, attempt: this.attempt });
    } catch (error) {
      failed(error);
      return;
    }
    // A reader on another clock than Date.now cannot judge an epoch deadline: it gets none.
    const deadline = ctx.cutsAtDeadline && Number.isFinite(this.deadline) ? this.deadline : undefined;
    const needsTimer = !ctx.cutsAtDeadline && this.deadline - now <= ctx.requestTimeoutMs + 1000;
    const signal = options.signal;
    let reading: Promise<PollResult>;
    if (!needsTimer && !signal) {
      try {
        reading = ctx.read({ ifNoneMatch: this.etag, signal: undefined, deadline });
      } catch (error) {
        reading = Promise.reject(error);
      }
      reading.then(answered, failed);
      return;
    }
    const controller = new AbortController();
    const timer = needsTimer ? scheduler.at(this.deadline, () => cut(this.deadlineError())) : undefined;
    let open = true;
    // Settles the read once, whichever comes first; never throws (a clock that throws while the timer is
    // cleared ends the read with its error, rather than leaving it unsettled).
    const settle = (then: () => void) => {
      if (!open) return;
      open = false;
      try {
        if (timer) scheduler.cancel(timer);
      } catch (error) {
        failed(error);
        return;
      }
      then();
    };
    const cut = (error: unknown) =>
      settle(() => {
        controller.abort(error);
        failed(error);
      });
    this.#cut = cut;
    if (signal) scheduler.aborts.watch(signal, this);
    try {
      reading = ctx.read({ ifNoneMatch: this.etag, signal: controller.signal, deadline });
    } catch (error) {
      reading = Promise.reject(error);
    }
    reading.then(
      (result) => settle(() => answered(result)),
      (error: unknown) => settle(() => failed(error)),
    );
  }
}

/** `get`'s loop: a request slot, one read, the slot given back. */
export function* readOnce(read: ScheduledRead): Loop<PollResult> {
  const { scheduler, origin } = read.ctx;
  yield SLOT; // no deadline, and `get` is not held by pushback: a slot always comes
  try {
    return (yield READ) as PollResult;
  } finally {
    scheduler.release(origin);
  }
}
