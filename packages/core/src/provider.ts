// The generic part of every generated provider package: its client factory, its typed status reader
// and the module object the facade registers. A generated index.ts keeps only what its spec says.
import { createProviderClient, type ProviderClient } from "./client.js";
import type { ProviderDescription } from "./description.js";
import type { ClientOptions } from "./options.js";
import type { ReadOptions } from "./read.js";
import type { OperationSnapshot } from "./snapshot.js";
import { type OperationStatus, toOperationStatus } from "./status.js";

/** A provider's poll endpoints by operationId: the path parameters each takes and its 200 body. */
export type PollEndpointTypes = { readonly [operationId: string]: { params: unknown; body: unknown } };

/**
 * One poll endpoint's entry in PollEndpointTypes, from openapi-typescript's `operations[<id>]`: its path
 * parameters (or, with `Id`, the bare value of its one parameter) and its 200 body in the `Accept` media type.
 */
export type PollEndpoint<
  O extends { parameters: { path?: unknown; query?: unknown }; responses: { 200: { content: unknown } } },
  Accept extends keyof O["responses"][200]["content"],
  Id extends keyof NonNullable<O["parameters"]["path"]> = never,
> = {
  params:
    | (O["parameters"]["path"] & RequiredQuery<O["parameters"]["query"]>)
    | NonNullable<O["parameters"]["path"]>[Id];
  body: O["responses"][200]["content"][Accept];
};

/**
 * The required query parameters of an endpoint (Azure's `api-version`) as optional ids: a read sends the
 * spec's default when none is given. `unknown` for an endpoint without any.
 */
export type RequiredQuery<Q> = [NonNullable<Q>] extends [never]
  ? unknown
  : {
      [K in keyof NonNullable<Q> as Record<never, never> extends Pick<NonNullable<Q>, K>
        ? never
        : K]?: NonNullable<Q>[K];
    };

declare const optionsType: unique symbol;

/**
 * What a provider package exports for the facade (`bentley`, `ecl`, …): its name and description. The
 * options type rides along as a phantom, so `register(bentley, { … })` type-checks Bentley's options.
 */
export interface ProviderModule<Options = never> {
  readonly name: string;
  readonly description: ProviderDescription;
  /** Type-level only: never set at runtime. */
  readonly [optionsType]?: Options;
}

/** The server variables of a description's first server as options: a closed list stays a union of literals. */
export type ServerVariableOptions<D extends ProviderDescription> = D["servers"] extends readonly [
  { readonly variables: infer V },
  ...unknown[],
]
  ? {
      -readonly [K in keyof V]?: V[K] extends { readonly enum: readonly (infer E)[] }
        ? E
        : V[K] extends { readonly examples: readonly (infer E extends string)[] }
          ? E | (string & {})
          : string;
    }
  : unknown;

/** Options of a generated `createClient`: core's options, with one option per server variable (ECL's `region`). */
export type ProviderClientOptions<D extends ProviderDescription> = Omit<ClientOptions, "variables"> &
  ServerVariableOptions<D>;

/** A generated client: openapi-fetch for every endpoint, and `getOperation` typed per poll endpoint. */
export interface TypedProviderClient<
  Paths extends {},
  Endpoints extends PollEndpointTypes,
  Default extends keyof Endpoints & string,
> extends Omit<ProviderClient<Paths>, "getOperation"> {
  /**
   * Reads one operation. Ids are validated against their schema before any request and sent
   * percent-encoded (a multi-segment id keeps its slashes); HTTP errors become typed errors.
   */
  getOperation<Endpoint extends keyof Endpoints & string = Default>(
    params: Endpoints[Endpoint]["params"],
    options?: ReadOptions<Endpoint>,
  ): Promise<OperationSnapshot<Endpoints[Endpoint]["body"]>>;
}

/** Normalizes one read of a provider (see OperationStatus). */
export type StatusReader<Endpoints extends PollEndpointTypes> = <Endpoint extends keyof Endpoints & string>(
  snapshot: OperationSnapshot<Endpoints[Endpoint]["body"]>,
  baseUrl: string,
) => OperationStatus<Endpoints[Endpoint]["body"]>;

/**
 * Builds a generated package's `createClient` from its description. An option named like a server variable
 * (ECL's `region`) goes through as it is: setUpClient reads it, and it wins over `variables`, as in the reader.
 */
export function clientFactory<Client, Options extends object>(
  description: ProviderDescription,
): (options: Options) => Client {
  return (options) => createProviderClient(description, options as unknown as ClientOptions) as Client;
}

/** Builds a generated package's `toStatus` from its description. */
export function statusReader<Endpoints extends PollEndpointTypes>(
  description: ProviderDescription,
): StatusReader<Endpoints> {
  return (snapshot, baseUrl) => toOperationStatus(description, snapshot, baseUrl);
}
