import type { OperationState, OperationStatus, OpwatchError } from "@opwatch/core";
import { type Abortable, aborted } from "./abort.js";
import type { WaitReason } from "./delays.js";
import type { Rare } from "./last-status.js";
import type { Params, PollResult, ReadContext } from "./read-context.js";
import type { Step } from "./read-outcome.js";
import type { SlotWaiter } from "./request-slots.js";
import type { Wakeup } from "./scheduler.js";
import type { CheckedOptions } from "./wait-options.js";

/** What the poll loop adds to one read (read-outcome.ts, wait-errors.ts): a `get` carries none of it. */
export interface LoopRules {
  /** The checks before a read: the step when there is to be no read now. */
  beforeRead(w: Wait): Step | undefined;
  /** What an answer means. */
  answered(w: Wait, result: PollResult): Step;
  /** What a failed read means (throws what ends the run at once: the caller's abort, a foreign error). */
  failed(w: Wait, error: unknown): Step;
  /** The wait's TimeoutError. */
  timeout(w: Wait): OpwatchError;
  /** A wait's final status, or the error a failed or canceled end rejects with. */
  settleFinal(w: Wait, final: OperationStatus): OperationStatus;
}

/** What a run of a {@link Wait} is: one read (`get`), one step, a wait to the end, or a watch of its changes. */
export interface RunKind {
  readonly run: typeof GET | typeof STEP | typeof WAIT | typeof WATCH;
  /** The poll loop's rules (none for a `get`). */
  readonly rules: LoopRules | undefined;
}
export const GET = 0;
export const STEP = 1;
export const WAIT = 2;
export const WATCH = 3;

const GET_RUN: RunKind = { run: GET, rules: undefined };

// Where a wait is between two calls into it.
const IDLE = 0; // running its own code
const SLEEPING = 1; // in the scheduler's heap until its next read
const QUEUED = 2; // in the origin's queue for a request slot, and in the heap until its deadline
const READING = 3; // holding a slot, its read in flight
const PAUSED = 4; // a watch that handed on a change nobody asked for yet
const ENDED = 5;

/** A watch's end of a run: the changes handed on, and how the run ended. */
export interface ChangeTaker {
  /** A change: true to go on, false to pause until {@link Wait.resume}. */
  take(status: OperationStatus): boolean;
  end(failure: { error: unknown } | undefined): void;
}

/** A rejection to resolve a caller's promise with: a wait keeps one settling function, not two. */
const rejection = (error: unknown): PromiseLike<never> => ({
  // biome-ignore lint/suspicious/noThenProperty: a thenable is what a promise resolved with it follows
  then(_fulfilled, rejected) {
    rejected?.(error);
    return this as PromiseLike<never>;
  },
});

/**
 * One wait, and the one poll loop every `get`, `step`, `wait` and `watch` runs on: a turn is the checks
 * (deadline, pushback), a request slot of the origin (or a place in its queue), one read, what it means
 * (read-outcome.ts), the change handed on, and the sleep the delay rules chose, in the scheduler's heap of
 * wake-ups; then the next turn, until the operation is done or the wait ends. `get` is one read through the
 * same slots; `step` one turn without the sleep.
 *
 * A sleeping wait is this object and the promise its caller holds: no closure, no generator, no context
 * object. It holds the shared read context of its endpoint and its own parameters, its instants as small
 * numbers (ms after the scheduler's epoch, see the scheduler's `relative`), and the last status seen folded
 * into its own fields (what is rarely there, such as a failure or a progress sample, in one {@link Rare}).
 */
export class Wait implements Wakeup, SlotWaiter, Abortable {
  // Its wake-up in the scheduler's heap.
  at = 0;
  seq = 0;
  index = -1;
  readonly ctx: ReadContext;
  readonly params: Params | undefined;
  readonly options: CheckedOptions;
  readonly kind: RunKind;
  /** The start, as the scheduler keeps instants (see {@link startedAt}). */
  start: number;
  /** Reads sent so far. */
  attempt = 0;
  phase = IDLE;
  /** How the run ends: a promise's resolve, or (a watch) its {@link ChangeTaker}. */
  settle: ((value: unknown) => void) | ChangeTaker | undefined;
  /** Reading: the function that cuts the read; a paused watch: the rest of its turn. */
  busy: ((error: unknown) => void) | Step | undefined;
  etag: string | undefined;
  // The last status seen (see last-status.ts): undefined `state` before the first; its progress is rare.
  id: string | undefined;
  state: OperationState | undefined;
  rawStatus: string | undefined;
  /** The status's dates as last-status.ts keeps them (whole ms after its epoch). */
  createdAt: number | undefined;
  updatedAt: number | undefined;
  rare: Rare | undefined;

  constructor(ctx: ReadContext, params: Params | undefined, options: CheckedOptions, kind: RunKind) {
    this.ctx = ctx;
    this.params = params;
    this.options = options;
    this.kind = kind;
    // A `get` has no deadline, so it needs no start.
    this.start = kind.rules ? ctx.scheduler.relative(ctx.scheduler.clock.now()) : 0;
  }

  /** Epoch ms when the wait started. */
  get startedAt(): number {
    return this.ctx.scheduler.absolute(this.start);
  }

  /** Epoch ms after which the wait ends with TimeoutError (never, for a `get`). */
  get deadline(): number {
    return this.rare?.deadline ?? this.startedAt + this.options.maxWaitMs;
  }

  /** Runs the wait until its end, which `settle` receives. */
  run(settle: ((value: unknown) => void) | ChangeTaker): void {
    this.settle = settle;
    turn(this);
  }

  /** A paused watch goes on (the caller asked for the next change). */
  resume(): void {
    if (this.phase !== PAUSED) return;
    const rest = this.busy as Step;
    this.phase = IDLE;
    this.busy = undefined;
    afterChange(this, rest);
  }

  /** Ends the run where it is (a watch's `return()`): nothing more is read; a read in flight is left to end. */
  stop(): void {
    const { phase } = this;
    if (phase === ENDED) return;
    if (phase === SLEEPING || phase === QUEUED) this.ctx.scheduler.cancel(this);
    leave(this);
    this.phase = ENDED;
    this.settle = undefined;
    if (phase === READING) this.ctx.scheduler.release(this.ctx.origin);
  }

  /** The scheduler's call: the sleep is over, or the deadline passed while queued for a slot. */
  wake(): void {
    if (this.phase === SLEEPING) {
      leave(this);
      turn(this);
    } else if (this.phase === QUEUED) {
      leave(this);
      outcome(this, { kind: "error", error: (this.kind.rules as LoopRules).timeout(this) });
    }
  }

  /** Whether the origin's queue should skip this wait: it no longer waits for a slot. */
  get cancelled(): boolean {
    return this.phase !== QUEUED;
  }

  /**
   * The request slots' call: a slot passed to this wait. Declined when the provider's pushback began while
   * it queued (the answer that freed the slot brought it): the wait then goes on without it, and the slot
   * passes to the next, in the queue's own loop rather than down the stack. A `get` is not held by pushback.
   */
  admit(): boolean {
    if (this.phase !== QUEUED) return false;
    const { scheduler, key } = this.ctx;
    scheduler.cancel(this); // the deadline wake-up of the queued wait
    leave(this);
    const rules = this.kind.rules;
    if (rules && scheduler.pushbackUntil(key) > 0) {
      outcome(this, rules.beforeRead(this) ?? { kind: "pending", status: undefined, delayMs: 0, reason: "pushback" });
      return false;
    }
    send(this);
    return true;
  }

  /** The caller's signal fired: a sleeping or queued wait ends now; a read in flight is cut. */
  abort(): void {
    const error = aborted(this.options.signal as AbortSignal, this.ctx.provider);
    if (this.phase === SLEEPING || this.phase === QUEUED) {
      this.ctx.scheduler.cancel(this);
      end(this, error, true);
    } else if (this.phase === READING) {
      (this.busy as ((error: unknown) => void) | undefined)?.(error);
    }
  }
}

/** A turn: the checks before a read, then a request slot now, or a place in the origin's queue. */
function turn(w: Wait) {
  const early = w.kind.rules?.beforeRead(w);
  if (early) return outcome(w, early);
  const { ctx, options } = w;
  const { scheduler, origin } = ctx;
  const signal = options.signal;
  if (signal?.aborted) return end(w, aborted(signal, ctx.provider), true);
  if (scheduler.slots.take(origin)) return send(w);
  if (!scheduled(w, scheduler.clock.now(), 0, "admission")) return;
  park(w, QUEUED, w.deadline);
  scheduler.slots.enqueue(origin, w);
}

/** Back to IDLE: no read to cut, no signal listened to. */
function leave(w: Wait): void {
  if (w.phase === ENDED) return;
  w.phase = IDLE;
  w.busy = undefined;
  const signal = w.options.signal;
  if (signal) w.ctx.scheduler.aborts.forget(signal, w);
}

/** Sleeps or queues with a wake-up at `at` (none when infinite), listening for the caller's signal. */
function park(w: Wait, phase: number, at: number): void {
  w.phase = phase;
  const { scheduler } = w.ctx;
  if (at !== Number.POSITIVE_INFINITY) scheduler.wakeAt(w, at);
  const signal = w.options.signal;
  if (signal) scheduler.aborts.watch(signal, w);
}

/** What a step found, carried out: the run's end, or its change handed on and the sleep before the next turn. */
function outcome(w: Wait, step: Step) {
  const { run } = w.kind;
  if (run === STEP) return end(w, step, false);
  if (step.kind === "error") return end(w, step.error, true);
  const status = step.status;
  if (status !== undefined) {
    try {
      w.options.onProgress?.(status);
    } catch (error) {
      return end(w, error, true);
    }
    if (run === WATCH && !(w.settle as ChangeTaker).take(status)) {
      w.phase = PAUSED;
      w.busy = step;
      return;
    }
  }
  afterChange(w, step);
}

function afterChange(w: Wait, step: Step) {
  if (step.kind === "done") return end(w, step.status, false);
  if (step.kind === "error") return end(w, step.error, true);
  const { options, ctx } = w;
  const now = ctx.scheduler.clock.now();
  if (!scheduled(w, now, step.delayMs, step.reason)) return;
  const signal = options.signal;
  if (signal?.aborted) return end(w, aborted(signal, ctx.provider), true);
  park(w, SLEEPING, now + step.delayMs);
}

/** Tells `onEvent` of the sleep (or the queue) ahead; false when it threw, which ended the run. */
function scheduled(w: Wait, at: number, delayMs: number, reason: WaitReason): boolean {
  try {
    w.options.onEvent?.({ type: "scheduled", at, delayMs, reason });
    return true;
  } catch (error) {
    end(w, error, true);
    return false;
  }
}

/** The run's end: its value (a wait's final status settled first: a failed end may throw), or what it threw. */
function end(w: Wait, value: unknown, thrown: boolean): void {
  leave(w);
  w.phase = ENDED;
  const settle = w.settle;
  w.settle = undefined;
  if (settle === undefined) return;
  if (typeof settle !== "function") {
    settle.end(thrown ? { error: value } : undefined);
    return;
  }
  if (thrown) {
    settle(rejection(value));
    return;
  }
  const { run, rules } = w.kind;
  if (run === WAIT && rules) {
    try {
      value = rules.settleFinal(w, value as OperationStatus);
    } catch (error) {
      settle(rejection(error));
      return;
    }
  }
  settle(value);
}

/** The read's answer (or failure), with the slot still held: what it means, then the slot passes on. */
function answer(w: Wait, value: unknown, thrown: boolean) {
  if (w.phase === ENDED) return; // stopped while its read was in flight: the slot went back then
  leave(w);
  const { scheduler, origin } = w.ctx;
  const rules = w.kind.rules;
  let step: Step | undefined;
  try {
    if (rules) step = thrown ? rules.failed(w, value) : rules.answered(w, value as PollResult);
    else if (thrown) throw value;
  } catch (error) {
    scheduler.release(origin);
    return end(w, error, true);
  }
  // The slot passes on once the answer is read: a pushback it brought holds the next queued wait too.
  scheduler.release(origin);
  if (step === undefined) end(w, value, false);
  else outcome(w, step);
}

/**
 * Counts and announces the read, then sends it, cut at the deadline: by core's reader (`deadline`) on the
 * system clock; on another clock, by a timer of the scheduler when the read's own timeout would not end it
 * before the deadline. A wait with a signal cuts its read through the signal's one listener.
 */
function send(w: Wait) {
  const { ctx, options } = w;
  const { scheduler } = ctx;
  w.phase = READING;
  // The caller's signal was checked before the slot was taken, and a queued wait listens for it.
  const signal = options.signal;
  const now = scheduler.clock.now();
  w.attempt++;
  try {
    options.onEvent?.({ type: "request", at: now, attempt: w.attempt });
  } catch (error) {
    return answer(w, error, true);
  }
  // A reader on another clock than Date.now cannot judge an epoch deadline: it gets none.
  const until = w.deadline;
  const deadline = ctx.cutsAtDeadline && Number.isFinite(until) ? until : undefined;
  const needsTimer = !ctx.cutsAtDeadline && until - now <= ctx.requestTimeoutMs + 1000;
  const failed = (error: unknown) => answer(w, error, true);
  const read = (signal: AbortSignal | undefined) => {
    try {
      return ctx.read(w.params, { ifNoneMatch: w.etag, signal, deadline });
    } catch (error) {
      return Promise.reject(error);
    }
  };
  if (!needsTimer && !signal) {
    read(undefined).then((result) => answer(w, result, false), failed);
    return;
  }
  const controller = new AbortController();
  // (A deadline is finite only with the poll loop's rules.)
  const timer = needsTimer ? scheduler.at(until, () => cut((w.kind.rules as LoopRules).timeout(w))) : undefined;
  let open = true;
  // Settles the read once, whichever comes first; never throws (a clock that throws while the timer is
  // cleared ends the read with its error, rather than leaving it unsettled).
  const settle = (value: unknown, thrown: boolean) => {
    if (!open) return;
    open = false;
    try {
      if (timer) scheduler.cancel(timer);
    } catch (error) {
      failed(error);
      return;
    }
    answer(w, value, thrown);
  };
  const cut = (error: unknown) => {
    if (open) controller.abort(error);
    settle(error, true);
  };
  w.busy = cut;
  if (signal) scheduler.aborts.watch(signal, w);
  read(controller.signal).then(
    (result) => settle(result, false),
    (error: unknown) => settle(error, true),
  );
}

/** `get`: one read through the same request slots as the waits (no deadline, no retries, no pushback). */
export function readOnce(ctx: ReadContext, params: Params | undefined, options: CheckedOptions): Promise<PollResult> {
  return new Promise((resolve) => new Wait(ctx, params, options, GET_RUN).run(resolve as (value: unknown) => void));
}
