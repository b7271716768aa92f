import { endSentence, OperationFailedError, type OperationStatus, type OpwatchError, redact } from "@opwatch/core";
import type { PendingReason } from "./delays.js";
import { full, type PollState, restoreState, toPollState } from "./poll-state.js";
import type { ReadContext } from "./read-context.js";
import type { Loop } from "./scheduled-read.js";
import { type Step, Wait } from "./wait.js";
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
 * One turn of the poll loop of every wait and watch, read top to bottom: a step (a request slot, one read,
 * what it means), its change handed on (`onProgress`, and the watch's caller), then the sleep the delay
 * rules chose (delays.ts), which the scheduler carries out before the next turn. The loop is turn after
 * turn until the operation is done: the terminal status ends it, what ended the wait otherwise is thrown.
 * `watch` is its changes, `wait` its last value, `step` one step ({@link Wait.step}). A turn's generator
 * lives while the turn runs: a sleeping wait holds none (see {@link ScheduledRead}).
 */
export function* pollTurn(wait: Wait): Loop<OperationStatus | number> {
  const step = yield* wait.step();
  if (step.kind === "error") throw step.error;
  if (step.status !== undefined) {
    wait.options.onProgress?.(step.status);
    yield step.status; // a change: a watch hands it to its caller
  }
  if (step.kind === "done") return step.status;
  const { delayMs, reason } = step;
  wait.options.onEvent?.({ type: "scheduled", at: wait.ctx.scheduler.clock.now(), delayMs, reason });
  return delayMs;
}

/** `wait`: the loop to its end, a failed or canceled end settled (see {@link settle}). */
export function waitUntilDone(wait: Wait): Promise<OperationStatus> {
  return wait.run(pollTurn, settleWait);
}

const settleWait = (final: OperationStatus, wait: Wait): OperationStatus => settle(wait.ctx, final, wait.options);

const stepTurn = (wait: Wait): Loop<Step> => wait.step();

/** `watcher.step`: one turn of the loop from a PollState (or from the start), and what to do next. */
export async function stepOnce(
  ctx: ReadContext,
  state: PollState | undefined,
  options: CheckedOptions,
): Promise<StepOutcome> {
  const wait = new Wait(ctx, options);
  if (state !== undefined) restoreState(wait, state, ctx.ref);
  const step = await wait.run(stepTurn);
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
