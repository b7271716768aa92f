/** What the generator emits for each provider (`src/generated/description.ts`), read from its spec. */

/** Every normalized state, in lifecycle order. The generator and the spec lint read this list too. */
export const OPERATION_STATES = ["queued", "running", "succeeded", "failed", "canceled", "unknown"] as const;

/** The normalized state of an operation, the same for every provider: `queued`, `running`, `succeeded`, `failed`, `canceled` or `unknown`. */
export type OperationState = (typeof OPERATION_STATES)[number];

/** One variable of a server URL (ECL's `{region}`): its default and the values it takes. */
export interface ServerVariableDescription {
  readonly default: string;
  /** A closed list of values. */
  readonly enum?: readonly string[];
  /** An open variable: any value matching this pattern (ECL's region: `^[a-z]{2}[0-9]+$`). */
  readonly pattern?: string;
  /** Known values, for docs and autocompletion (an open variable accepts others). */
  readonly examples?: readonly string[];
  readonly description?: string;
}

/** One server of a provider's spec: its URL (with `{variables}`) and description. */
export interface ServerDescription {
  readonly url: string;
  readonly description?: string;
  readonly variables?: Readonly<Record<string, ServerVariableDescription>>;
}

/**
 * How a provider takes its token: `Authorization: Bearer`, HTTP Basic (`Authorization: Basic`, the token being
 * `"username:password"`, as Twilio's account SID and auth token), or a header of its own (ECL's `X-Auth-Token`).
 */
export type AuthDescription =
  | { readonly type: "bearer" }
  | { readonly type: "basic" }
  | { readonly type: "header"; readonly name: string };

/** One path parameter with the schema keywords checked before any request. */
export interface PathParamDescription {
  readonly name: string;
  /** `string` when absent. */
  readonly type?: "string" | "integer" | "number";
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly enum?: readonly (string | number)[];
  /** `x-opwatch-multi-segment: true`: the value keeps its slashes (Google's `projects/p/operations/o`). */
  readonly multiSegment?: boolean;
}

/** One poll endpoint: a GET of the spec that reads a single operation. */
export interface PollEndpointDescription {
  readonly path: string;
  /** Media type of the 200 response, sent as `Accept`. */
  readonly accept: string;
  readonly pathParams: readonly PathParamDescription[];
  /** The endpoint takes `If-None-Match` and may answer 304. */
  readonly conditional: boolean;
  /** Header parameters the endpoint requires, each with the one value its spec allows (Anthropic's `anthropic-version`): sent with every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Its required query parameters (Azure's `api-version`): checked like path parameters, kept in refs and
   * sent on every read; `default` is sent when a call or ref gives none.
   */
  readonly queryParams?: readonly QueryParamDescription[];
}

/** A required query parameter of a poll endpoint: its schema's checks, and the value sent when none is given. */
export interface QueryParamDescription extends Omit<PathParamDescription, "multiSegment"> {
  readonly default?: string | number;
}

/** What one provider status word maps to: a state, or a state and an error code. */
export type StateMapping = OperationState | { readonly state: OperationState; readonly code?: string };

/**
 * Fields of an array entry (own property names, or JSON pointers into it when they start with `/`) → the value
 * each must equal (strings case-insensitively): `{ type: "Failed", status: "True" }`.
 */
export type EntryMatch = Readonly<Record<string, string | number | boolean | null>>;

/**
 * One condition on a body: the value at `pointer` equals `equals` (a string is compared case-insensitively);
 * with `present`, a non-null value is (`true`) or is not (`false`) there; with `entry`, the value is an array
 * and one of its entries matches (Kubernetes' `status.conditions[]`, in any position).
 */
export interface Condition {
  readonly pointer: string;
  readonly equals?: string | number | boolean | null;
  readonly present?: boolean;
  readonly entry?: EntryMatch;
}

/** Pointers to why an operation failed: a code, and a message (several pointers are joined with ": "). */
export interface FailureDescription {
  readonly code?: string;
  readonly message?: string | readonly string[];
}

/**
 * One rule of `x-opwatch.status.when`: one condition, or `all` of several. `failure` pointers are read inside
 * the entry an `entry` condition matched (a condition's `reason` and `message`), else in the body.
 */
export interface StateRule {
  readonly pointer?: string;
  readonly equals?: string | number | boolean | null;
  readonly present?: boolean;
  readonly entry?: EntryMatch;
  readonly all?: readonly Condition[];
  readonly state: OperationState;
  readonly code?: string;
  readonly failure?: FailureDescription;
}

/**
 * Where the state comes from: a status word (`pointer` or a response `header`, + `map`), rules (`when`), or
 * both (rules first); `default` is the state of a word not in the map.
 */
export interface StatusDescription {
  readonly pointer?: string;
  readonly header?: string;
  readonly map?: Readonly<Record<string, StateMapping>>;
  readonly default?: OperationState;
  readonly when?: readonly StateRule[];
}

/** A timestamp field: a pointer to RFC 3339 (or zone-less UTC) text, or to an epoch number. */
export type TimestampDescription = string | { readonly pointer: string; readonly epoch: EpochUnit };

/** The unit of an epoch timestamp field. */
export type EpochUnit = "seconds" | "milliseconds";

/** Progress: the value at `pointer` over `scale`, or over the value at `of` (succeeded / completions). */
export type ProgressDescription =
  | { readonly pointer: string; readonly scale: number }
  | { readonly pointer: string; readonly of: string };

/** A retry delay in an error body: a pointer to a duration, or a field of the array entry that matches. */
export type RetryDelayDescription =
  | string
  | { readonly pointer: string; readonly entry: EntryMatch; readonly field: string };

/**
 * What a rate-limit reset header means once the budget is spent: `window`, the end of a fixed window (nothing
 * works before it); `refill`, the time of a full refill while one request comes back every `refillSeconds` (1).
 */
export interface RateLimitDescription {
  readonly reset: "window" | "refill";
  readonly refillSeconds?: number;
}

/** The `x-opwatch` extension of the spec: where the normalized fields live in a body. */
export interface AdapterDescription {
  /** Pointer to the operation's id in the body; without one (or when the body has none), its last path parameter. */
  readonly id?: string;
  readonly status: StatusDescription;
  readonly progress?: ProgressDescription;
  readonly createdAt?: TimestampDescription;
  readonly updatedAt?: TimestampDescription;
  readonly failure?: FailureDescription;
  readonly redirects?: Readonly<Record<string, OperationState>>;
  /**
   * HTTP status (2xx, or a 4xx other than 401, 403, 404, 407 and 429) → state, for an answer that carries the
   * state itself (202 running, 204 done, Snowflake's 422 failed): the state of an answer without a body, or of
   * one whose body decides none.
   */
  readonly answers?: Readonly<Record<string, OperationState>>;
  readonly errorBody?: {
    readonly code?: string;
    readonly message?: string;
    readonly requestId?: string;
    /** A response header carrying the request id (`x-ms-request-id`). */
    readonly requestIdHeader?: string;
    readonly retryDelay?: RetryDelayDescription;
  };
  /** What a rate-limit reset header means once the budget is spent (`window` when absent). */
  readonly rateLimit?: RateLimitDescription;
  /** Pointer to where a succeeded operation's result is (an absolute URL, fal's `response_url`); never fetched. */
  readonly resultUrl?: string;
}

/**
 * Everything opwatch knows about a provider, generated from its spec (`x-opwatch` and the poll endpoints):
 * servers, auth, endpoints and how their answers normalize. Each provider package exports its own.
 */
export interface ProviderDescription {
  readonly name: string;
  readonly displayName: string;
  readonly servers: readonly ServerDescription[];
  readonly auth: AuthDescription;
  /** operationId of the endpoint read when none is named: the first of `x-opwatch.poll`. */
  readonly defaultEndpoint: string;
  /** The poll endpoints, by operationId. */
  readonly endpoints: Readonly<Record<string, PollEndpointDescription>>;
  readonly adapter: AdapterDescription;
}

/**
 * What the read path, the typed client and the facade read of a provider at run time: a part of its
 * {@link ProviderDescription} (which is one too). A generated provider carries only this; the whole description
 * stays its package's `description` export, for tooling.
 */
export interface ReadDescription {
  /** The provider's name (`ecl`): the package's, and `provider` in statuses and errors. */
  readonly name: string;
  /** Its name in messages (`NTT Enterprise Cloud (VNA)`). */
  readonly displayName: string;
  /** How it takes its token. */
  readonly auth: AuthDescription;
  /** operationId of the endpoint read when none is named. */
  readonly defaultEndpoint: string;
  /** The poll endpoints, by operationId. */
  readonly endpoints: Readonly<Record<string, ReadEndpointDescription>>;
  /** What a read needs of the `x-opwatch` block as data. */
  readonly adapter: ReadAdapterDescription;
}

/** What a read needs of one poll endpoint: its path, Accept, required headers and parameter names. */
export interface ReadEndpointDescription {
  /** The path template (`/v1.0/operations/{operation_id}`). */
  readonly path: string;
  /** Media type of the 200 response, sent as `Accept`. */
  readonly accept: string;
  /** Its path parameters, in path order; `multiSegment` keeps its slashes. */
  readonly pathParams: readonly { readonly name: string; readonly multiSegment?: boolean }[];
  /** The endpoint takes `If-None-Match` and may answer 304. */
  readonly conditional: boolean;
  /** Header values the endpoint requires, sent with every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Its required query parameters (Azure's `api-version`), kept in refs. */
  readonly queryParams?: readonly { readonly name: string }[];
}

/**
 * What a read needs of the `x-opwatch` block as data: the redirects it maps (not followed), the header of a
 * request id, what a rate-limit reset means. Where the state and the error body are is the compiled
 * provider's code (`missingStatus`, `errorFields`, `stateInAnswer`).
 */
export interface ReadAdapterDescription {
  /** HTTP status (3xx) → state: an answer, never followed (Keycard's 303). */
  readonly redirects?: Readonly<Record<string, OperationState>>;
  /** The response header carrying a request id (`x-ms-request-id`). */
  readonly errorBody?: { readonly requestIdHeader?: string };
  /** What a rate-limit reset header means once the budget is spent. */
  readonly rateLimit?: RateLimitDescription;
}
