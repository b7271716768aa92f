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
export {
  DEFAULT_MAX_WAIT_MS,
  type PollOptions,
  type PollResult,
  pollChanges,
  pollUntilDone,
  type ReadOnce,
  type WaitOptions,
} from "./poller.js";
export {
  createWatcher,
  type OperationTarget,
  type ProviderModule,
  type ProviderRegistration,
  provider,
  type Watcher,
  type WatcherOptions,
} from "./watcher.js";
