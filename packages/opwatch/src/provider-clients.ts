import {
  assertRef,
  isServerUrl,
  type OperationRef,
  type ProviderClientBase,
  type ReadOptions,
  refFromUrl,
  refUnrecognized,
  ValidationError,
} from "@opwatch/core";
import { type Checked, CheckedRefs } from "./checked-refs.js";
import { systemClock } from "./clock.js";
import type { Params, ReadContext } from "./read-context.js";
import { type ProviderRegistration, secretsOf } from "./registration.js";
import type { Scheduler } from "./scheduler.js";

/** Anything that names one operation: a ref (plain JSON) or a status URL. */
export type OperationTarget = OperationRef | string;

/** A client of one provider at one base URL, with what every wait on it shares. */
interface Client {
  readonly reader: ProviderClientBase;
  readonly registration: ProviderRegistration;
  readonly scheduler: Scheduler;
  /** Key of the request slots. */
  readonly origin: string;
  /** Key of the provider's pushback: provider and origin (one registration, so one credential, per provider). */
  readonly key: string;
  /** The read context of each endpoint (and base URL as the refs spell it). */
  readonly contexts: Map<string, ReadContext>;
}

/** The lower-cased scheme and host of a URL: the key of its request slots. */
function originOf(baseUrl: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(baseUrl);
  return (match?.[0] ?? baseUrl).toLowerCase();
}

/** The pushback key of a provider at an origin; one registration (so one credential) per provider, no token. */
function pushbackKeyOf(provider: string, origin: string): string {
  return `${provider}@${origin}`;
}

/**
 * How the operations of one endpoint of a client are read: one object for every wait on them, each with
 * its own parameters.
 */
function endpointContext(client: Client, endpoint: string, baseUrl: string): ReadContext {
  const { reader, registration, scheduler } = client;
  const { description, getOperation } = reader;
  const { provider, name } = registration;
  const conditional = description.endpoints[endpoint]?.conditional ?? false;
  const clock = scheduler.clock;
  // Dates in the answer (Retry-After, epoch resets) are judged by the watcher's clock.
  const now = clock === systemClock ? undefined : () => clock.now();
  return {
    provider: name,
    scheduler,
    origin: client.origin,
    key: client.key,
    requestTimeoutMs: registration.timeoutMs,
    cutsAtDeadline: clock === systemClock,
    get secrets() {
      return secretsOf(registration);
    },
    label: (params) => labelOf(registration, endpoint, params as Params),
    ref: (params) => ({ provider: name, endpoint, params: { ...params }, baseUrl }),
    async read(params, request) {
      const readOptions: ReadOptions & { deadline?: number | undefined; now?: (() => number) | undefined } = {
        endpoint,
        ifNoneMatch: conditional ? request.ifNoneMatch : undefined,
        signal: request.signal,
        deadline: request.deadline,
        now,
      };
      const snapshot = await getOperation(params as Params, readOptions);
      return {
        status: snapshot.notModified ? undefined : provider.toStatus(snapshot, reader.baseUrl),
        etag: snapshot.etag,
        retryAfter: snapshot.retryAfter,
        rateLimitReset: snapshot.rateLimitReset,
      };
    },
  };
}

function labelOf(registration: ProviderRegistration, endpoint: string, params: Params): string {
  // Named by its path parameters: a query parameter (`api-version`) is no part of the operation's name.
  const pathParams = registration.description.endpoints[endpoint]?.pathParams;
  const values = pathParams ? pathParams.map((param) => params[param.name]) : Object.values(params);
  return `${registration.description.displayName} operation ${values.join("/")}`;
}

/**
 * A watcher's providers and the clients made from them: turns targets into validated refs, refs into
 * clients (never for a host nobody configured) and into the context a wait reads through.
 */
export class ProviderClients {
  readonly #registrations: Map<string, ProviderRegistration>;
  readonly #scheduler: Scheduler;
  /** Clients by `provider baseUrl`; a provider's configured client also by its name. */
  readonly #clients = new Map<string, Client>();
  /** Targets that passed the checks. */
  readonly #checked = new CheckedRefs<Client>();

  constructor(registrations: Map<string, ProviderRegistration>, scheduler: Scheduler) {
    this.#registrations = registrations;
    this.#scheduler = scheduler;
  }

  registration(name: string): ProviderRegistration {
    const registration = this.#registrations.get(name);
    if (!registration) {
      throw new ValidationError(
        `provider "${name}" is not registered; registered: ${[...this.#registrations.keys()].join(", ")}. Add register(${name}, { token }).`,
      );
    }
    return registration;
  }

  #connect(registration: ProviderRegistration, baseUrl?: string): Client {
    const reader = registration.connect(baseUrl);
    const origin = originOf(reader.baseUrl);
    const key = pushbackKeyOf(registration.name, origin);
    return { reader, registration, scheduler: this.#scheduler, origin, key, contexts: new Map() };
  }

  #configured(registration: ProviderRegistration): Client {
    let client = this.#clients.get(registration.name);
    if (!client) {
      client = this.#connect(registration);
      this.#clients.set(registration.name, client);
    }
    return client;
  }

  /** The client for a ref's base URL, which must be the registered one or one of the spec's servers:
   * a ref from elsewhere must never make us send the token to a host nobody configured. */
  client(ref: OperationRef): Client {
    const registration = this.registration(ref.provider);
    const configured = this.#configured(registration);
    if (ref.baseUrl === configured.reader.baseUrl) return configured;
    if (!isServerUrl(registration.provider, ref.baseUrl)) {
      throw new ValidationError(
        `${ref.provider}: refusing to send credentials to ${ref.baseUrl}, which is neither the configured base URL (${configured.reader.baseUrl}) nor a server of the spec.`,
        { provider: ref.provider },
      );
    }
    const key = `${ref.provider} ${ref.baseUrl}`;
    let client = this.#clients.get(key);
    if (!client) {
      client = this.#connect(registration, ref.baseUrl);
      this.#clients.set(key, client);
    }
    return client;
  }

  /**
   * The one name of the operation a target names (`watcher.ref`): a validated copy of its ref that has
   * exactly the endpoint's path parameters (a read ignores any other, which would make a second name for
   * the operation) and a base URL this watcher may send the provider's credentials to.
   */
  canonicalRef(target: OperationTarget): OperationRef {
    const checked = this.checked(target);
    this.clientOf(checked);
    const { ref } = checked;
    const endpoint = this.registration(ref.provider).description.endpoints[ref.endpoint];
    const known = [...(endpoint?.pathParams ?? []), ...(endpoint?.queryParams ?? [])];
    for (const name of Object.keys(ref.params)) {
      if (!known.some((param) => param.name === name)) {
        throw new ValidationError(
          `${ref.provider}: ${ref.endpoint} takes no parameter "${name}"; its parameters are ${known.map((param) => param.name).join(", ")}.`,
          { provider: ref.provider },
        );
      }
    }
    // A copy of its own: the checked ref stays inside.
    return { ...ref, params: { ...ref.params } };
  }

  /** The checked form of a target: kept while this string, or this object unchanged, is passed again. */
  checked(target: OperationTarget): Checked<Client> {
    const known = this.#checked.lookup(target);
    if (known !== undefined) return known;
    if (typeof target === "string") return this.#checked.url(target, this.#fromUrl(target));
    // Plain-JSON shape, then (for a registered provider) known endpoint and valid path params: what get()
    // would refuse, ref() refuses with the same error. One call, so the base URL is parsed once.
    const provider = (target as { provider?: unknown } | null)?.provider;
    const registered = typeof provider === "string" ? this.#registrations.get(provider) : undefined;
    assertRef(target, registered?.provider);
    const registration = registered ?? this.registration(target.provider);
    return this.#checked.object(target, registration.description.endpoints[target.endpoint]?.pathParams ?? []);
  }

  #fromUrl(url: string): OperationRef {
    for (const registration of this.#registrations.values()) {
      const ref = refFromUrl(registration.provider, url, [this.#configured(registration).reader.baseUrl]);
      if (ref) return ref;
    }
    throw refUnrecognized(url, [...this.#registrations.keys()]);
  }

  /** The client a checked target is read through (see {@link client}), worked out once. */
  clientOf(checked: Checked<Client>): Client {
    checked.client ??= this.client(checked.ref);
    return checked.client;
  }

  /** The pushback key of a ref: provider and origin. Never contains a token. */
  key(ref: OperationRef): string {
    return pushbackKeyOf(ref.provider, originOf(ref.baseUrl));
  }

  /** What a read, wait, watch or step on this target reads through, and its parameters (the checked
   * ref's, which stay inside). */
  context(target: OperationTarget): [ReadContext, Params] {
    const checked = this.checked(target);
    const client = this.clientOf(checked);
    const { endpoint, baseUrl, params } = checked.ref;
    const key = `${endpoint} ${baseUrl}`;
    let ctx = client.contexts.get(key);
    if (!ctx) {
      ctx = endpointContext(client, endpoint, baseUrl);
      client.contexts.set(key, ctx);
    }
    return [ctx, params];
  }
}
