export {
  type DurableWatcher,
  type DurableWatcherOptions,
  createDurableWatcher,
  type EnqueueResult,
  type FollowOptions,
  type OutcomeListOptions,
} from "./durable.js";
export type { PollState, StepOptions, StepOutcome, StepWatcher } from "./contract.js";
export type { Outcome, OutcomeError, OutcomeKind, StatusJson } from "./outcome.js";
export type { DurableWorker, WorkerEvent, WorkOptions } from "./worker.js";
