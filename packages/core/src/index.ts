export { knownBaseUrls, resolveBaseUrl } from "./base-url.js";
export type {
  ClientOptions,
  OperationSnapshot,
  ProviderClient,
  ProviderClientBase,
  RawPaths,
  ReadOptions,
  TokenSource,
} from "./client.js";
export { createProviderClient, errorFromResponse } from "./client.js";
export type {
  AdapterDescription,
  AuthDescription,
  OperationState,
  PathParamDescription,
  PollOperationDescription,
  ProviderDescription,
  ServerDescription,
  ServerVariableDescription,
  StateMapping,
  StateRule,
  StatusDescription,
} from "./description.js";
export { OPERATION_STATES } from "./description.js";
export type { OpwatchErrorDetails } from "./errors.js";
export {
  AbortError,
  ApiError,
  AuthError,
  NetworkError,
  NotFoundError,
  OperationFailedError,
  OpwatchError,
  RateLimitError,
  ResponseError,
  ServerError,
  TimeoutError,
  ValidationError,
} from "./errors.js";
export type { PathParamValue } from "./params.js";
export { expandPath, validatePathParams } from "./params.js";
export { deref, pointerTokens, readPointer, readString } from "./pointer.js";
export type {
  PollEndpoint,
  PollOperationTypes,
  ProviderClientOptions,
  ProviderModule,
  ServerVariableOptions,
  StatusReader,
  TypedProviderClient,
} from "./provider.js";
export { clientFactory, statusReader } from "./provider.js";
export { readPushback } from "./pushback.js";
export { redact } from "./redact.js";
export { assertRef, refFromUrl, refUnrecognized } from "./ref.js";
export type { OperationRef, OperationStatus } from "./status.js";
export { isTerminal, type MappedState, stateOf, toOperationStatus } from "./status.js";
export { parseRetryAfter, parseTimestamp } from "./timestamps.js";
