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
export {
  createDurableWatcher,
  type DurableWatcher,
  type DurableWatcherOptions,
  type EnqueueResult,
  type FollowOptions,
  type OutcomeListOptions,
} from "./durable.js";
export type { Outcome, OutcomeError, OutcomeKind, StatusJson } from "./outcome.js";
export type { DurableWorker, WorkerEvent, WorkOptions } from "./worker.js";
