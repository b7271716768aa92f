// The facade's resumable poll step, as this package uses it (see opwatch's README, "resumable step").
import type { WaitOptions, Watcher } from "opwatch";

export type { PollState, StepOutcome } from "opwatch";

/** Step options stored with a wait and passed to each of its steps: the plain-JSON part of the facade's
 * `WaitOptions` (no signal, callbacks or random source). */
export type DurableStepOptions = Pick<
  WaitOptions,
  "maxWaitMs" | "minDelayMs" | "maxDelayMs" | "ageRatio" | "maxConsecutiveFailures"
>;

/** The part of an opwatch `Watcher` the durable watcher uses. */
export type StepWatcher = Pick<Watcher, "ref" | "step" | "pushbackKey">;
