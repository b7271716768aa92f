// The facade's resumable poll step, as this package uses it (see opwatch's README, "resumable step").
// Only the members the durable watcher calls: any object with them can drive it.
import type { OperationRef, OperationStatus, OperationTarget, OpwatchError } from "opwatch";

/** Plain-JSON poll state between two steps (the facade's `PollState`). */
export interface PollState {
  v: 1;
  startedAt: number;
  deadline: number;
  attempt: number;
  failures: number;
  etag?: string;
  last?: unknown;
  pacing?: unknown;
}

/** What one step returns (the facade's `StepOutcome`). */
export type StepOutcome =
  | {
      kind: "pending";
      status: OperationStatus | undefined;
      changed: boolean;
      delayMs: number;
      reason: string;
      state: PollState;
      pushback?: { key: string; untilMs: number };
    }
  | { kind: "done"; status: OperationStatus; state: PollState }
  | { kind: "error"; error: OpwatchError; state: PollState };

/** Options passed to each step; stored per wait as plain JSON. */
export interface StepOptions {
  /** Give up after this many ms from the first step (the facade's default applies when unset). */
  maxWaitMs?: number;
  minDelayMs?: number;
  maxDelayMs?: number;
}

/** The part of an opwatch `Watcher` the durable watcher uses. */
export interface StepWatcher {
  ref(target: OperationTarget): OperationRef;
  step(target: OperationTarget, state?: PollState, options?: StepOptions): Promise<StepOutcome>;
  pushbackKey(target: OperationTarget): string;
}
