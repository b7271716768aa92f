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
export { type BackoffOptions, backoffDelay, DEFAULT_MAX_DELAY_MS, DEFAULT_MIN_DELAY_MS } from "./backoff.js";
export { type Clock, systemClock } from "./clock.js";
export { DEFAULT_AGE_RATIO, estimateRemaining, type PacingInput, type PacingOptions, paceDelay } from "./pacing.js";
export {
  type PollOptions,
  pollChanges,
  pollUntilDone,
  type StandalonePollOptions,
  type WaitOptions,
} from "./poller.js";
export { DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN } from "./scheduler.js";
export {
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  DEFAULT_MAX_WAIT_MS,
  type PollEvent,
  type PollResult,
  type PollState,
  type ReadOnce,
  type StepOptions,
  type StepOutcome,
} from "./step.js";
export {
  createWatcher,
  type OperationTarget,
  type ProviderModule,
  type ProviderRegistration,
  register,
  type Watcher,
  type WatcherOptions,
} from "./watcher.js";
