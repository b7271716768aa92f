/** What the generator emits for each provider (`src/generated/description.ts`), read from its spec. */

export type OperationState = "queued" | "running" | "succeeded" | "failed" | "canceled" | "unknown";

export interface ServerVariableDescription {
  readonly default: string;
  readonly enum?: readonly string[];
  readonly description?: string;
}

export interface ServerDescription {
  readonly url: string;
  readonly description?: string;
  readonly variables?: Readonly<Record<string, ServerVariableDescription>>;
}

export type AuthDescription = { readonly type: "bearer" } | { readonly type: "header"; readonly name: string };

export interface PathParamDescription {
  readonly name: string;
  readonly minLength?: number;
  readonly pattern?: string;
  readonly format?: string;
}

/** One GET endpoint that reads a single operation. */
export interface PollOperationDescription {
  readonly path: string;
  /** Media type of the 200 response, sent as `Accept`. */
  readonly accept: string;
  readonly pathParams: readonly PathParamDescription[];
  /** The endpoint takes `If-None-Match` and may answer 304. */
  readonly conditional: boolean;
}

export type StateMapping = OperationState | { readonly state: OperationState; readonly code?: string };

/** The `x-opwatch` extension of the spec: where the normalized fields live in a body. */
export interface AdapterDescription {
  readonly id: string;
  readonly status: { readonly pointer: string; readonly map: Readonly<Record<string, StateMapping>> };
  readonly progress?: { readonly pointer: string; readonly scale: number };
  readonly createdAt?: string;
  readonly updatedAt?: string;
  readonly failure?: { readonly code?: string; readonly message?: string };
  readonly redirects?: Readonly<Record<string, OperationState>>;
  readonly errorBody?: { readonly code?: string; readonly message?: string; readonly requestId?: string };
}

export interface ProviderDescription {
  readonly name: string;
  readonly displayName: string;
  readonly servers: readonly ServerDescription[];
  readonly auth: AuthDescription;
  readonly defaultOperation: string;
  readonly operations: Readonly<Record<string, PollOperationDescription>>;
  readonly adapter: AdapterDescription;
}
