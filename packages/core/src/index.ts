// The public surface of @opwatch/core, each statement tagged @public or @internal (API Extractor reads the
// tags; api/core.api.md is the reviewed result).

/** @public */
export type { ProviderClient, RawPaths } from "./client.js";
/** @public */
export { createProviderClient } from "./client.js";
/** @public */
export type { CompiledProvider, ErrorBodyFields, MatchedPath, SegmentFiller } from "./compiled.js";
/** @public */
export type {
  AdapterDescription,
  AuthDescription,
  Condition,
  EntryMatch,
  EpochUnit,
  FailureDescription,
  OperationState,
  PathParamDescription,
  PollEndpointDescription,
  ProgressDescription,
  ProviderDescription,
  QueryParamDescription,
  RateLimitDescription,
  ReadAdapterDescription,
  ReadDescription,
  ReadEndpointDescription,
  RetryDelayDescription,
  ServerDescription,
  ServerVariableDescription,
  StateMapping,
  StateRule,
  StatusDescription,
  TimestampDescription,
} from "./description.js";
/** @public */
export { OPERATION_STATES } from "./description.js";
/** @public */
export type { OpwatchErrorDetails } from "./errors.js";
/** @public */
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
/** @public */
export type { AnswerHead, AnswerHeaders, RedirectAnswer, StateInAnswer } from "./mapped-answers.js";
/** @public */
export type { ClientOptions, TokenSource } from "./options.js";
/** @public */
export type { PathParamValue } from "./params.js";
/** @public */
export type {
  PollEndpoint,
  PollEndpointTypes,
  ProviderClientOptions,
  ProviderModule,
  RequiredQuery,
  ServerVariableOptions,
  StatusReader,
  TypedProviderClient,
} from "./provider.js";
/** @public */
export { readPushback } from "./pushback.js";
/** @public */
export type { ProviderClientBase, ReadOptions } from "./read.js";
/** @public */
export { createOperationReader } from "./read.js";
/** @public */
export { assertRef, isServerUrl, refFromUrl, refUnrecognized } from "./ref.js";
/** @public */
export type { OperationSnapshot } from "./snapshot.js";
/** @public */
export type { OperationRef, OperationStatus } from "./status.js";
/** @public */
export { parseRetryAfter, parseTimestamp } from "./timestamps.js";

// Internal: for the generated provider packages, the opwatch facade, testkit and the repository's scripts.
// Apps should not rely on these (they may change in any release). Kept in their own block so that the import
// organizer never merges them into a public statement from the same module.

/** @internal */
export { isHttpUrl } from "./base-url.js";
/** @internal */
export { BodyOverLimit, DEFAULT_MAX_BODY_BYTES, readBodyText } from "./body.js";
/** @internal */
export { capText, MAX_FIELD_CHARS, MAX_MESSAGE_CHARS } from "./cap.js";
/** @internal */
export { serverField } from "./cause.js";
/** @internal */
export { abortError, type Cut, type Haltable, type Limits, withLimits } from "./deadline.js";
/** @internal */
export { endSentence, errorFromResponse } from "./errors.js";
/** @internal */
export { type ClientSetup, DEFAULT_TIMEOUT_MS, setUpClient } from "./options.js";
/** @internal */
export { deref, pointerTokens, readPointer, readString } from "./pointer.js";
/** @internal */
export { clientFactory } from "./provider.js";
/** @internal */
export { isSignal } from "./read.js";
/** @internal */
export { MAX_REMEMBERED_SECRETS, type RedactOptions, redact, redactDeep, rememberSecret } from "./redact.js";
/** @internal */
export { MAX_REDIRECTS } from "./redirect.js";
/** @internal */
export { isTerminal } from "./status.js";
/** @internal */
export type { HttpAnswer, HttpHeaderReader, Transport } from "./transport.js";
