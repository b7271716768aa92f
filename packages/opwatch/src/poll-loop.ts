import type { OperationStatus, OpwatchError } from "@opwatch/core";
import type { PendingReason } from "./delays.js";
import { lastStatus } from "./last-status.js";
import { type PollState, restoreState, toPollState } from "./poll-state.js";
import type { Params, ReadContext } from "./read-context.js";
import { answered, beforeRead, failed, type Step } from "./read-outcome.js";
import { type LoopRules, type RunKind, STEP, WAIT, WATCH, Wait } from "./wait.js";
import { settleFinal, timeout } from "./wait-errors.js";
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

/** The poll loop's rules: what `step`, `wait` and `watch` add to a `get`'s one read. */
const rules: LoopRules = { beforeRead, answered, failed, timeout, settleFinal };
const STEP_RUN: RunKind = { run: STEP, rules };
const WAIT_RUN: RunKind = { run: WAIT, rules };
export const WATCH_RUN: RunKind = { run: WATCH, rules };

/** Runs `wait` to its end (see {@link Wait}). */
const runOf = <T>(wait: Wait): Promise<T> => new Promise<T>((resolve) => wait.run(resolve as (value: unknown) => void));

/** `wait`: the poll loop to the operation's end; a failed or canceled end rejects (unless told not to). */
export function waitUntilDone(ctx: ReadContext, params: Params | undefined, options: CheckedOptions) {
  return runOf<OperationStatus>(new Wait(ctx, params, options, WAIT_RUN));
}

/** `watcher.step`: one turn of the loop from a PollState (or from the start), and what to do next. */
export async function stepOnce(
  ctx: ReadContext,
  params: Params | undefined,
  state: PollState | undefined,
  options: CheckedOptions,
): Promise<StepOutcome> {
  const wait = new Wait(ctx, params, options, STEP_RUN);
  if (state !== undefined) restoreState(wait, state);
  const step = await runOf<Step>(wait);
  const json = toPollState(wait);
  if (step.kind === "done") return { ...step, state: json };
  const until = ctx.scheduler.pushbackUntil(ctx.key);
  const pushback = until > 0 ? { pushback: { key: ctx.key, untilMs: until } } : {};
  if (step.kind === "error") return { ...step, state: json, ...pushback };
  return {
    kind: "pending",
    changed: step.status !== undefined,
    delayMs: step.delayMs,
    reason: step.reason,
    status: step.status ?? lastStatus(wait),
    state: json,
    ...pushback,
  };
}
