import { endSentence, OperationFailedError, type OperationStatus, type OpwatchError, redact } from "@opwatch/core";
import { full, type PollState, restoreState, toPollState } from "./poll-state.js";
import type { ReadContext } from "./read-context.js";
import { type PendingReason, Wait } from "./wait.js";
import type { CheckedOptions } from "./wait-options.js";

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
      reason: PendingReason;
      state: PollState;
      /** Set when the provider pushed back: nothing with this key should be sent before `untilMs`. */
      pushback?: { key: string; untilMs: number };
    }
  | { kind: "done"; status: OperationStatus; state: PollState }
  | {
      kind: "error";
      error: OpwatchError;
      state: PollState;
      /** Set when the provider pushed back (the 429 this step ended on, say): nothing with this key should be
       * sent before `untilMs`, even though this wait is over. */
      pushback?: { key: string; untilMs: number };
    };

/**
 * The poll loop of every wait and watch, read top to bottom: a step (a request slot, one read, what it
 * means), each change handed to `onProgress` and to `emit`, then a sleep in the scheduler's heap for what
 * the delay rules say (delays.ts), until the operation is done. Resolves with the terminal status; rejects
 * with what ended the wait otherwise. `watch` is its changes (`emit`, which may pause the loop until the
 * caller asks for the next one), `wait` its last value, `step` one turn ({@link Wait.step}).
 */
export async function pollLoop(wait: Wait, emit?: Emit): Promise<OperationStatus> {
  for (;;) {
    const next = await turn(wait, emit);
    // A watch hands its end on like any status; a wait settles it (a failed end may throw).
    if (typeof next !== "number") return emit ? next : settle(wait.ctx, next, wait.options);
    await wait.sleep(next);
  }
}

/** Hands a change on; a promise when the loop must pause until the caller wants the next one. */
type Emit = (status: OperationStatus, last: boolean) => Promise<void> | undefined;

/** One turn of the loop before its sleep: the step, its change reported. The ms to sleep, or the terminal
 * status. (A number only: a sleeping wait holds neither the step nor its status.) */
async function turn(wait: Wait, emit: Emit | undefined): Promise<number | OperationStatus> {
  const step = await wait.step();
  if (step.kind === "error") throw step.error;
  if (step.status !== undefined) {
    wait.options.onProgress?.(step.status);
    const paused = emit?.(step.status, step.kind === "done");
    if (paused !== undefined) await paused;
  }
  if (step.kind === "done") return step.status;
  const { delayMs, reason } = step;
  wait.options.onEvent?.({ type: "scheduled", at: wait.ctx.scheduler.clock.now(), delayMs, reason });
  return delayMs;
}

/** `watcher.step`: one turn of the loop from a PollState (or from the start), and what to do next. */
export async function stepOnce(
  ctx: ReadContext,
  state: PollState | undefined,
  options: CheckedOptions,
): Promise<StepOutcome> {
  const wait = new Wait(ctx, options);
  if (state !== undefined) restoreState(wait, state, ctx.ref);
  const step = await wait.step();
  const json = toPollState(wait, ctx.ref);
  if (step.kind === "done") return { ...step, state: json };
  const until = ctx.scheduler.pushbackUntil(ctx.key);
  const pushback = until > 0 ? { pushback: { key: ctx.key, untilMs: until } } : {};
  if (step.kind === "error") return { ...step, state: json, ...pushback };
  return { ...step, status: step.status ?? full(wait.last, ctx.ref), state: json, ...pushback };
}

/** The final status, or OperationFailedError when it ended failed or canceled (unless told not to throw). */
function settle(ctx: ReadContext, final: OperationStatus, options: CheckedOptions): OperationStatus {
  if (options.throwOnFailure && (final.state === "failed" || final.state === "canceled")) {
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
