// What the generator compiles each spec into (`src/generated/provider.ts` of a provider package): the reading
// of its poll endpoints as code. Core's read path, the typed client and the facade call these; none of them
// interprets a description at run time (a hand-written description gets the same functions from
// `@opwatch/core/described`).
import type { ReadDescription } from "./description.js";
import type { RedirectAnswer, StateInAnswer } from "./mapped-answers.js";
import type { PathParamValue } from "./params.js";
import type { OperationSnapshot } from "./snapshot.js";
import type { OperationStatus } from "./status.js";

/** A status URL's path, matched: the poll endpoint it names and its path parameters, percent-decoded. */
export interface MatchedPath {
  /** The poll endpoint's operationId. */
  readonly endpoint: string;
  /** Its path parameters as the URL spells them, percent-decoded (not checked yet). */
  readonly params: Record<string, string>;
}

/** One provider's reading of its spec as code, with what the read needs of its description as data. */
export interface CompiledProvider {
  /**
   * What the read path needs of the description it was compiled from, as data: auth, the poll endpoints'
   * Accept, headers and parameter names, the answers the spec maps, where its error body is.
   */
  readonly description: ReadDescription;
  /**
   * Checks one poll endpoint's path parameters against their schema before any request (throws a
   * `ValidationError` saying what is wrong); numeric parameters come back as numbers.
   */
  checkParams(endpoint: string, values: Readonly<Record<string, unknown>>): Record<string, PathParamValue>;
  /**
   * Checks one poll endpoint's required query parameters (Azure's `api-version`): each given value, else the
   * spec's default, against its schema. Only for a provider whose spec has them.
   */
  checkQuery?(endpoint: string, values: Readonly<Record<string, unknown>>): Record<string, PathParamValue>;
  /** The endpoint's path filled with checked values, each percent-encoded (a multi-segment one keeps its slashes). */
  pathOf(endpoint: string, values: Readonly<Record<string, PathParamValue>>): string;
  /** The poll endpoint a path under a base URL names, or undefined; throws on bad percent-encoding. */
  matchPath(path: string): MatchedPath | undefined;
  /** Whether a `when` rule of the spec decides this body's state (so it needs no status word). */
  decidedByRule(body: unknown): boolean;
  /**
   * The pointer of the status word a 200's body lacks (a proxy's placeholder, another API's answer), or
   * undefined when it has one or a `when` rule decides its state without it; absent for a spec whose state
   * is not read from the body.
   */
  missingStatus?(body: unknown): string | undefined;
  /** What an error answer's body says where the spec's `errorBody` points: its code, message and request id. */
  errorFields?(body: unknown): ErrorBodyFields;
  /**
   * Seconds of the retry delay an error body states where the spec says (`errorBody.retryDelay`:
   * google.rpc.RetryInfo's `"3s"`); absent for a spec without one, so its apps do not carry the reading.
   */
  retryDelay?(body: unknown): number | undefined;
  /**
   * Reads a redirect the spec maps to a state (Keycard's 303) into the snapshot, true when it did; absent for
   * a spec that maps none (every redirect that reaches the snapshot is then an error).
   */
  readonly redirectAnswer?: RedirectAnswer;
  /**
   * Reads the state an answer carries itself (a status header, a bodyless 202/204 of `answers`) into the
   * snapshot, true when that is the whole answer; absent for a spec without either.
   */
  readonly stateInAnswer?: StateInAnswer;
  /**
   * For the typed client's path serializer: `url` (the base URL and a path template joined) with the
   * multi-segment parameters of a poll endpoint (Google's `{name}` of `/v1/{name}`) filled in, each segment
   * percent-encoded and the slashes kept; absent for a spec without one.
   */
  readonly fillSegments?: SegmentFiller;
  /**
   * The `Authorization` value of an HTTP Basic token (core's `basicHeader`), remembering its secret forms;
   * absent for a spec without Basic auth, so its apps do not carry the encoding.
   */
  readonly basicAuth?: (provider: string, token: string, secrets: string[]) => string;
  /**
   * The base URL requests go to: the `baseUrl` option checked, else the spec's first server with its
   * variables (ECL's `region`) filled from `variables` or their defaults; throws a ValidationError on a bad value.
   */
  baseUrl(given: string | undefined, variables: Readonly<Record<string, string | undefined>>): string;
  /**
   * The base URLs of the spec's servers that `url` sits under (with `whole`, that it is), each variable with a
   * value it allows. A server whose host is a variable matches nothing: only a configured host gets credentials.
   */
  serverBaseUrls(url: string, whole: boolean): string[];
  /** Every concrete base URL the spec's servers name (each variable over its enum, or default and examples). */
  readonly knownBaseUrls: readonly string[];
  /** Normalizes one read (see OperationStatus). */
  toStatus(snapshot: OperationSnapshot, baseUrl: string): OperationStatus;
}

/** Fills a poll endpoint's multi-segment parameters into a URL template (see `CompiledProvider.fillSegments`). */
export type SegmentFiller = (url: string, params: Record<string, unknown>) => string;

/** What an error answer's body says (`x-opwatch.errorBody`), each read as text. */
export interface ErrorBodyFields {
  /** The provider's own error code (`error_code`, `error.code`, …). */
  readonly code?: string | undefined;
  /** What the server said went wrong. */
  readonly message?: string | undefined;
  /** The request's id, for the provider's support. */
  readonly requestId?: string | undefined;
}
