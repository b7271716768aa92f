import { endSentence, OperationFailedError, type OperationStatus, redact } from "@opwatch/core";
import { aborted } from "./abort.js";
import { full, LiveState, type PollState, restoreState, toPollState } from "./poll-state.js";
import type { SlotWaiter } from "./request-slots.js";
import { afterRead, beforeRead, failed, type StepOutcome, startRead } from "./step.js";
import type { Outcome, PollResult, StepContext } from "./step-context.js";
import type { Policy } from "./step-options.js";
import type { Wakeup } from "./timer-heap.js";
import { timeout } from "./wait-errors.js";

const IDLE = 0; // reading, or between two phases (or two steps)
const SLEEPING = 1; // in the scheduler's heap until the next read
const QUEUED = 2; // in the origin's queue for a request slot (and in the heap until the deadline)
const DONE = 3;
/** What an unsettled wait resolves with until start() hands it the promise's own: nothing (one shared function). */
const ignore = (): void => undefined;

/**
 * A wait, driven by callbacks rather than an async loop: beforeRead, a request slot, startRead, then
 * afterRead or failed. The wait is its own state, its own wake-up in the scheduler's heap and its own place
 * in the origin's queue: a sleeping or queued wait is this one object (and the promise `wait()` returns),
 * and sleeping, queueing and waking allocate nothing. 10,000 waits are 10,000 of these.
 *
 * Made by {@link WaitRun.start}, it runs to the end (`wait`). Made with `loop` false, it runs one step per
 * {@link WaitRun.once} and reports the outcome (`watch`, `step`), the caller doing the sleeping.
 */
export class WaitRun extends LiveState implements Wakeup, SlotWaiter {
  at = 0;
  seq = 0;
  index = -1;
  #mode = IDLE;
  readonly #ctx: StepContext;
  readonly #p: Policy;
  readonly #loop: boolean;
  /** Settles the promise of the wait (or of the step); a failure is passed as a rejected promise, so
   * that a wait keeps one function, not two. */
  #resolve: (value: unknown) => void = ignore;

  constructor(ctx: StepContext, p: Policy, loop: boolean) {
    super(ctx.scheduler.clock.now(), p.maxWaitMs);
    this.#ctx = ctx;
    this.#p = p;
    this.#loop = loop;
    // A whole wait listens for the caller's signal while it sleeps or queues; a step, while it queues.
    if (loop && p.signal && !p.signal.aborted) p.signal.addEventListener("abort", this, { once: true });
  }

  /** Runs a wait to its end: resolves with the final status, rejects like `watcher.wait`. */
  static start(ctx: StepContext, p: Policy): Promise<OperationStatus> {
    return new Promise((resolve) => {
      const run = new WaitRun(ctx, p, true);
      run.#resolve = resolve as (value: unknown) => void;
      run.#step();
    });
  }

  /** One step (`loop` false): resolves with what it found; rejects on the caller's signal. */
  once(): Promise<Outcome> {
    return new Promise((resolve) => {
      this.#resolve = resolve as (value: unknown) => void;
      this.#step();
    });
  }

  /** Whether the origin's queue should skip this wait: it is no longer waiting for a slot. */
  get cancelled(): boolean {
    return this.#mode !== QUEUED;
  }

  /** The scheduler's call: the sleep is over, or the deadline passed while queued for a slot. */
  wake(): void {
    if (this.#mode === SLEEPING) {
      this.#mode = IDLE;
      this.#step();
    } else if (this.#mode === QUEUED) {
      this.#next({ kind: "error", error: timeout(this.#ctx, this) });
    }
  }

  /** The request slots' call: a slot passed to this wait; false when it declines it (pushback, deadline). */
  admit(): boolean {
    this.#ctx.scheduler.cancel(this); // the deadline wake-up of the queued wait
    if (!this.#loop) this.#p.signal?.removeEventListener("abort", this);
    this.#mode = IDLE;
    // The checks again: a pushback may have begun while this wait queued (the answer that freed the slot).
    let early: Outcome | undefined;
    try {
      early = beforeRead(this.#ctx, this, this.#p, this.#ctx.scheduler.clock.now());
    } catch (error) {
      this.#fail(error);
      return false;
    }
    if (early !== undefined) {
      this.#next(early);
      return false;
    }
    this.#read();
    return true;
  }

  /** The caller's signal fired (an `EventListener` object: no closure per wait): a sleeping or queued
   * wait ends now; a read in flight is cut by the same signal. */
  handleEvent(): void {
    if (this.#mode === SLEEPING || this.#mode === QUEUED) {
      this.#fail(aborted(this.#p.signal as AbortSignal, this.#ctx.provider));
    }
  }

  #step(): void {
    const { scheduler, origin } = this.#ctx;
    const p = this.#p;
    try {
      const now = scheduler.clock.now();
      const early = beforeRead(this.#ctx, this, p, now);
      if (early) {
        this.#next(early);
      } else if (scheduler.slots.take(origin)) {
        this.#read();
      } else {
        this.#mode = QUEUED;
        scheduler.slots.enqueue(origin, this);
        scheduler.wakeAt(this, this.deadline); // finite: maxWaitMs and a state's deadline are checked
        if (!this.#loop) p.signal?.addEventListener("abort", this, { once: true });
        p.onEvent?.({ type: "scheduled", at: now, delayMs: 0, reason: "admission" });
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  /** Sends the read (holding a slot); its answer or failure comes back to {@link #answered}. */
  #read(): void {
    let reading: Promise<PollResult>;
    try {
      reading = startRead(this.#ctx, this, this.#p);
    } catch (error) {
      reading = Promise.reject(error);
    }
    reading.then(
      (result) => this.#answered(result, undefined),
      (error: unknown) => this.#answered(undefined, error),
    );
  }

  #answered(result: PollResult | undefined, error: unknown): void {
    let outcome: Outcome;
    try {
      outcome =
        result === undefined ? failed(this.#ctx, this, this.#p, error) : afterRead(this.#ctx, this, this.#p, result);
    } catch (thrown) {
      this.#ctx.scheduler.release(this.#ctx.origin);
      this.#fail(thrown);
      return;
    }
    // The slot passes on once the answer is read: a pushback it brought holds the next queued wait too.
    this.#ctx.scheduler.release(this.#ctx.origin);
    this.#next(outcome);
  }

  /** After a step: a step's outcome goes to its caller; a wait ends, or sleeps until the next step. */
  #next(outcome: Outcome): void {
    if (!this.#loop) {
      this.#end(outcome.kind === "pending" ? IDLE : DONE, outcome);
      return;
    }
    const p = this.#p;
    const scheduler = this.#ctx.scheduler;
    try {
      if (outcome.kind === "error") {
        this.#fail(outcome.error);
      } else if (outcome.kind === "done") {
        p.onProgress?.(outcome.status);
        this.#end(DONE, settle(this.#ctx, outcome.status, p));
      } else {
        if (outcome.status) p.onProgress?.(outcome.status);
        const { delayMs, reason } = outcome;
        p.onEvent?.({ type: "scheduled", at: scheduler.clock.now(), delayMs, reason });
        if (p.signal?.aborted) {
          this.#fail(aborted(p.signal, this.#ctx.provider));
        } else {
          this.#mode = SLEEPING;
          scheduler.wakeAt(this, scheduler.clock.now() + delayMs);
        }
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  #fail(error: unknown): void {
    this.#end(DONE, error, true);
  }

  /** Settles the pending promise once; `mode` is DONE, or IDLE after a step that a next one may follow. */
  #end(mode: number, value: unknown, rejected?: boolean): void {
    if (this.#mode === DONE) return;
    this.#mode = mode;
    this.#ctx.scheduler.cancel(this);
    this.#p.signal?.removeEventListener("abort", this);
    this.#resolve(rejected ? Promise.reject(value) : value);
  }
}

/** The final status, or OperationFailedError when it ended failed or canceled (unless told not to throw). */
function settle(ctx: StepContext, final: OperationStatus, p: Policy): OperationStatus {
  if (p.throwOnFailure && (final.state === "failed" || final.state === "canceled")) {
    // One sentence, whatever the server's text: its tokens masked first (folding its blanks would break a
    // token with a space or a tab in it), then blanks and line breaks folded, capped as core caps a
    // server's text, its own stop kept.
    const text = redact(`${final.error?.code ?? ""} ${final.error?.message ?? ""}`, ctx.secrets ?? []);
    const said = `${ctx.label()} ended ${final.state}`;
    const sentence = text.trim() ? `${said}: ${endSentence(text)}` : /[.!?…]$/.test(said) ? said : `${said}.`;
    throw new OperationFailedError(sentence, final, {
      provider: final.provider,
      code: final.error?.code,
      secrets: ctx.secrets,
    });
  }
  return final;
}

/** `watcher.step`: one step from a PollState (or from the start), and what to do next. */
export async function stepOnce(ctx: StepContext, state: PollState | undefined, p: Policy): Promise<StepOutcome> {
  const run = new WaitRun(ctx, p, false);
  if (state !== undefined) restoreState(run, state, ctx.ref);
  const outcome = await run.once();
  const json = toPollState(run, ctx.ref);
  if (outcome.kind === "done") return { ...outcome, state: json };
  const until = ctx.scheduler.pushbackUntil(ctx.key);
  const pushback = until > 0 ? { pushback: { key: ctx.key, untilMs: until } } : {};
  if (outcome.kind === "error") return { ...outcome, state: json, ...pushback };
  return { ...outcome, status: outcome.status ?? full(run.last, ctx.ref), state: json, ...pushback };
}
