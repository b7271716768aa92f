import { endSentence, OperationFailedError, type OperationStatus, type OpwatchError, redact } from "@opwatch/core";
import { full, type PollState, restoreState, toPollState } from "./poll-state.js";
import type { ReadContext } from "./read-context.js";
import type { Loop } from "./scheduled-read.js";
import { type PendingReason, type Step, Wait } from "./wait.js";
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
 * means), each change handed on (`onProgress`, and the watch's caller), then a sleep in the scheduler's
 * heap for what the delay rules say (delays.ts), until the operation is done. Returns the terminal status;
 * throws what ended the wait otherwise. `watch` is its changes, `wait` its last value, `step` one turn
 * ({@link Wait.step}). It is a generator: each `yield` is what it waits for (see {@link Instruction}), carried
 * out by the scheduler, so that a sleeping wait allocates nothing and holds no promise of its own.
 */
export function* pollLoop(wait: Wait): Loop<OperationStatus> {
  const { onProgress, onEvent } = wait.options;
  for (;;) {
    // The step's own result (not the value of `yield*`, whose iterator result a generator keeps until its
    // next `yield*`: a sleeping wait would hold the status it read).
    yield* wait.step();
    let step: Step | undefined = wait.takeFound();
    if (step.kind === "error") throw step.error;
    if (step.status !== undefined) {
      onProgress?.(step.status);
      yield step.status; // a change: a watch hands it to its caller
    }
    if (step.kind === "done") return step.status;
    const { delayMs, reason } = step;
    onEvent?.({ type: "scheduled", at: wait.ctx.scheduler.clock.now(), delayMs, reason });
    step = undefined; // a sleeping wait holds neither the step nor the status it read
    yield delayMs;
  }
}

/** `wait`: the loop to its end, a failed or canceled end settled (see {@link settle}). */
export function waitUntilDone(wait: Wait): Promise<OperationStatus> {
  return wait.run(pollLoop(wait), settleWait);
}

const settleWait = (final: OperationStatus, wait: Wait): OperationStatus => settle(wait.ctx, final, wait.options);

/** `watcher.step`: one turn of the loop from a PollState (or from the start), and what to do next. */
export async function stepOnce(
  ctx: ReadContext,
  state: PollState | undefined,
  options: CheckedOptions,
): Promise<StepOutcome> {
  const wait = new Wait(ctx, options);
  if (state !== undefined) restoreState(wait, state, ctx.ref);
  await wait.run(wait.step());
  const step = wait.takeFound();
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
