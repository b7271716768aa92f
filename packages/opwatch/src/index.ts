export {
  AbortError,
  ApiError,
  AuthError,
  NetworkError,
  NotFoundError,
  OperationFailedError,
  type OperationRef,
  type OperationState,
  type OperationStatus,
  OpwatchError,
  RateLimitError,
  ResponseError,
  ServerError,
  TimeoutError,
  type TokenSource,
  ValidationError,
} from "@opwatch/core";
export { type Clock, systemClock } from "./clock.js";
export {
  DEFAULT_AGE_RATIO,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_MAX_WAIT_MS,
  DEFAULT_MIN_DELAY_MS,
  type PendingReason,
  type PollDelayOptions,
  type WaitReason,
} from "./delays.js";
export type { StepOutcome } from "./poll-loop.js";
export type { PollState } from "./poll-state.js";
export type { OperationTarget } from "./provider-clients.js";
export type { PollResult, ReadOnce } from "./read-context.js";
export { createReader } from "./reader.js";
export { type ProviderModule, type ProviderRegistration, register } from "./registration.js";
export { DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN } from "./request-slots.js";
export { pollChanges, pollUntilDone, type StandalonePollOptions } from "./standalone.js";
export type { PollEvent, WaitOptions } from "./wait-options.js";
export { createWatcher, type Watcher } from "./watcher.js";
export type { Reader, WatcherOptions } from "./watcher-setup.js";
