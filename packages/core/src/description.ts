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

/** How a provider takes its token: `Authorization: Bearer`, or a header of its own (ECL's `X-Auth-Token`). */
export type AuthDescription = { readonly type: "bearer" } | { readonly type: "header"; readonly name: string };

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
}

/** What one provider status word maps to: a state, or a state and an error code. */
export type StateMapping = OperationState | { readonly state: OperationState; readonly code?: string };

/**
 * One rule of `x-opwatch.status.when`: matches when the value at `pointer` equals `equals` (a string is
 * compared case-insensitively), or, with `present`, when a non-null value is (`true`) or is not (`false`) there.
 */
export interface StateRule {
  readonly pointer: string;
  readonly equals?: string | number | boolean | null;
  readonly present?: boolean;
  readonly state: OperationState;
  readonly code?: string;
}

/** Where the state comes from: a status word (`pointer` + `map`), rules (`when`), or both (rules first). */
export interface StatusDescription {
  readonly pointer?: string;
  readonly map?: Readonly<Record<string, StateMapping>>;
  readonly when?: readonly StateRule[];
}

/** The `x-opwatch` extension of the spec: where the normalized fields live in a body. */
export interface AdapterDescription {
  readonly id: string;
  readonly status: StatusDescription;
  readonly progress?: { readonly pointer: string; readonly scale: number };
  readonly createdAt?: string;
  readonly updatedAt?: string;
  readonly failure?: { readonly code?: string; readonly message?: string };
  readonly redirects?: Readonly<Record<string, OperationState>>;
  readonly errorBody?: { readonly code?: string; readonly message?: string; readonly requestId?: string };
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
