// The public surface of @opwatch/core. Exports marked @internal exist for the generated provider
// packages and the opwatch facade; apps should not rely on them (they may change in any release).

/** @internal */
export { isHttpUrl, knownBaseUrls, resolveBaseUrl } from "./base-url.js";
/** @public */
export type { ProviderClient, RawPaths } from "./client.js";
/** @public */
export { createProviderClient } from "./client.js";
/** @internal */
export { abortError, type Cut, type Limits, sleep, withLimits } from "./deadline.js";
/** @public */
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
/** @public */
export { OPERATION_STATES } from "./description.js";
/** @public */
export type { OpwatchErrorDetails } from "./errors.js";
/** @public */
/** @internal */
export {
  AbortError,
  ApiError,
  AuthError,
  endSentence,
  errorFromResponse,
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
/** @public */
export type { ClientOptions, TokenSource } from "./options.js";
/** @internal */
export { type ClientSetup, setUpClient } from "./options.js";
/** @public */
export type { PathParamValue } from "./params.js";
/** @internal */
export { expandPath, validatePathParams } from "./params.js";
/** @internal */
export { deref, pointerTokens, readPointer, readString } from "./pointer.js";
/** @public */
export type {
  PollEndpoint,
  PollOperationTypes,
  ProviderClientOptions,
  ProviderModule,
  ServerVariableOptions,
  StatusReader,
  TypedProviderClient,
} from "./provider.js";
/** @internal */
export { clientFactory, statusReader } from "./provider.js";
/** @public */
export { readPushback } from "./pushback.js";
/** @public */
export type { ProviderClientBase, ReadOptions } from "./read.js";
/** @public */
export { createOperationReader } from "./read.js";
/** @internal */
export { redact, redactDeep } from "./redact.js";
/** @internal */
export { MAX_REDIRECTS } from "./redirect.js";
/** @public */
export { assertRef, refFromUrl, refUnrecognized } from "./ref.js";
/** @public */
export type { OperationSnapshot } from "./snapshot.js";
/** @public */
export type { OperationRef, OperationStatus } from "./status.js";
/** @public */
/** @internal */
export { isTerminal, type MappedState, stateOf, toOperationStatus } from "./status.js";
/** @public */
export { parseRetryAfter, parseTimestamp } from "./timestamps.js";
