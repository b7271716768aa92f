export {
  COMMAND_EXIT,
  type CommandContext,
  type CommandIo,
  DURABLE_USAGE,
  type EnqueueCommandOptions,
  enqueueCommand,
  type OutcomesCommandOptions,
  outcomesCommand,
  type WorkerCommandOptions,
  workerCommand,
} from "./commands.js";
export type { DurableStepOptions, StepWatcher } from "./contract.js";
export { createDurableWatcher, type DurableWatcher, type DurableWatcherOptions } from "./durable.js";
export type { EnqueueResult } from "./enqueue.js";
export type { DurableStats, RetryOptions, WaitInfo, WaitListOptions } from "./operations.js";
export {
  type CancelCommandOptions,
  cancelCommand,
  type PruneCommandOptions,
  pruneCommand,
  type RetryCommandOptions,
  retryCommand,
  type StatsCommandOptions,
  statsCommand,
  type WaitsCommandOptions,
  waitsCommand,
} from "./operator-commands.js";
export type { Outcome, OutcomeError, OutcomeKind, StatusJson } from "./outcome.js";
export type { FollowOptions, OnOutcomeOptions, OutcomeListOptions } from "./outcome-log.js";
export type { DurableWorker, WorkOptions } from "./worker.js";
export type { WorkerEvent } from "./worker-events.js";
