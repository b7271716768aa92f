import type { OperationStatus } from "@opwatch/core";
import { type Abortable, aborted } from "./abort.js";
import type { PollResult, ReadContext } from "./read-context.js";
import type { SlotWaiter } from "./request-slots.js";
import type { Wakeup } from "./timer-heap.js";
import type { CheckedOptions } from "./wait-options.js";

/**
 * What a turn of a loop waits for at each `yield`, carried out by {@link ScheduledRead}: `SLOT` a request
 * slot of the origin (resumed with true, false when the deadline passed while queued, or `NO_SLOT`); `READ`
 * the read (resumed with its result, or its error thrown); a status is a change to hand on (resumed at once
 * for a wait, when the caller asks for more for a watch). The caller's signal throws the wait's AbortError
 * at whichever `yield` the turn is on.
 */
export type Instruction = typeof SLOT | typeof READ | OperationStatus;
export const SLOT = -1;
export const READ = -2;
/** What `yield SLOT` resumes with when a slot came during a pushback and passed on. */
export const NO_SLOT = "no slot";

/** One turn of a loop (or a single read) as the scheduler runs it. */
export type Loop<T> = Generator<Instruction, T, unknown>;

/**
 * The turns of a loop: a turn that returns a number asks for a sleep of that many ms, then the next turn;
 * any other value ends the run. A module-level function, so that a wait holds no closure of its own.
 */
export type Turn<R, T> = (read: R) => Loop<T | number>;

const IDLE = 0; // running a turn's code, or handed back to the caller (a paused watch)
const SLEEPING = 1; // in the scheduler's heap until its next turn
const QUEUED = 2; // in the origin's queue for a request slot, and in the heap until its deadline
const READING = 3; // holding a slot, its read in flight
const ENDED = 4;

/** A rejection to resolve a caller's promise with: a wait keeps one settling function, not two. */
const rejection = (error: unknown): PromiseLike<never> => ({
  // biome-ignore lint/suspicious/noThenProperty: a thenable is what a promise resolved with it follows
  then(_fulfilled, rejected) {
    rejected?.(error);
    return this as PromiseLike<never>;
  },
});

/**
 * Runs a loop on the scheduler, one turn at a time: each sleep is this object in the heap of wake-ups,
 * each wait for a request slot this object in the origin's queue, and each suspension listens for the
 * caller's signal through the scheduler's one listener per signal. A turn's generator lives only while the
 * turn runs: a sleeping wait is this object and the promise its caller holds, nothing else (no generator,
 * no closure; its instants are kept as small numbers, see the scheduler's `relative`). `get` runs a one-read
 * turn on one of these; a {@link Wait} is one with the poll loop's state and step on top.
 */
export class ScheduledRead implements Wakeup, SlotWaiter, Abortable {
  at = 0;
  seq = 0;
  index = -1;
  /** Reads sent so far. */
  attempt = 0;
  etag: string | undefined = undefined;
  readonly ctx: ReadContext;
  readonly options: CheckedOptions;
  /** The deadline as the scheduler keeps instants (see {@link deadline}). */
  #deadline: number;
  #mode = IDLE;
  #turn: Turn<this, unknown> | undefined = undefined;
  /** The turn running now; none between turns. */
  #loop: Loop<unknown> | undefined = undefined;
  /** Settles the caller's promise: the loop's end (`settle` applied), or what it threw. */
  #resolve: ((value: unknown) => void) | undefined = undefined;
  #settle: ((value: unknown, read: this) => unknown) | undefined = undefined;
  /** A watch's hand-off of each change: false pauses the loop until {@link resume}. */
  #onChange: ((status: OperationStatus) => boolean) | undefined = undefined;
  /** Ends the read in flight with an error (the caller's signal, the deadline). */
  #cut: ((error: unknown) => void) | undefined = undefined;

  constructor(ctx: ReadContext, options: CheckedOptions, now: number) {
    this.ctx = ctx;
    this.options = options;
    this.#deadline = ctx.scheduler.relative(now + options.maxWaitMs);
  }

  /** Epoch ms after which the wait ends with TimeoutError (never, for a `get`). */
  get deadline(): number {
    return this.ctx.scheduler.absolute(this.#deadline);
  }
  set deadline(at: number) {
    this.#deadline = this.ctx.scheduler.relative(at);
  }

  /**
   * Runs `turn` after `turn` until one ends the run: resolves with `settle` of its value (which may throw;
   * a function of the value and this object, so that a sleeping wait holds no closure of its own), rejects
   * with what a turn throws. `onChange` receives each change a turn yields; returning false pauses it until
   * {@link resume}.
   */
  run<T, R = T>(
    turn: Turn<this, T>,
    settle?: (value: T, read: this) => R,
    onChange?: (status: OperationStatus) => boolean,
  ): Promise<R> {
    return new Promise<R>((resolve) => {
      this.#turn = turn;
      this.#resolve = resolve as (value: unknown) => void;
      this.#settle = settle as ((value: unknown, read: this) => unknown) | undefined;
      this.#onChange = onChange;
      this.#advance(undefined, false);
    });
  }

  /** A paused watch goes on (the caller asked for the next change). */
  resume(): void {
    if (this.#mode === IDLE && this.#turn !== undefined) this.#advance(undefined, false);
  }

  /** Ends the loop where it is (a watch's `return()`): nothing more is read. */
  stop(): void {
    if (this.#mode === ENDED) return;
    if (this.#mode === SLEEPING || this.#mode === QUEUED) this.ctx.scheduler.cancel(this);
    const loop = this.#loop;
    this.#leave();
    this.#mode = ENDED;
    this.#loop = undefined;
    this.#turn = undefined;
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
    if (this.#mode === ENDED) return; // stopped while a read was in flight
    const { scheduler, origin } = this.ctx;
    for (;;) {
      // Between turns (the first, or after a sleep): the next one.
      this.#loop ??= (this.#turn as Turn<this, unknown>)(this);
      const loop = this.#loop;
      let next: IteratorResult<Instruction, unknown>;
      try {
        next = thrown ? loop.throw(input) : loop.next(input);
      } catch (error) {
        this.#end(error, true);
        return;
      }
      thrown = false;
      input = undefined;
      if (next.done) {
        this.#loop = undefined;
        if (typeof next.value !== "number") {
          this.#end(next.value, false);
          return;
        }
        const signal = this.options.signal;
        if (signal?.aborted) this.#end(aborted(signal, this.ctx.provider), true);
        else this.#park(SLEEPING, scheduler.clock.now() + next.value);
        return;
      }
      const instruction = next.value;
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
      this.#read();
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
    this.#turn = undefined;
    const resolve = this.#resolve;
    if (thrown) {
      resolve?.(rejection(value));
      return;
    }
    const settle = this.#settle;
    let settled: unknown;
    try {
      settled = settle ? settle(value, this) : value;
    } catch (error) {
      resolve?.(rejection(error));
      return;
    }
    resolve?.(settled);
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
    const until = this.deadline;
    const deadline = ctx.cutsAtDeadline && Number.isFinite(until) ? until : undefined;
    const needsTimer = !ctx.cutsAtDeadline && until - now <= ctx.requestTimeoutMs + 1000;
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
    const timer = needsTimer ? scheduler.at(until, () => cut(this.deadlineError())) : undefined;
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

/** `get`'s one turn: a request slot, one read, the slot given back. */
export function* readOnce(read: ScheduledRead): Loop<PollResult> {
  const { scheduler, origin } = read.ctx;
  yield SLOT; // no deadline, and `get` is not held by pushback: a slot always comes
  try {
    return (yield READ) as PollResult;
  } finally {
    scheduler.release(origin);
  }
}
