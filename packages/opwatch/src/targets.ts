import {
  assertRef,
  knownBaseUrls,
  type OperationRef,
  type ProviderClientBase,
  type ReadOptions,
  refFromUrl,
  refUnrecognized,
  toOperationStatus,
  ValidationError,
} from "@opwatch/core";
import { systemClock } from "./clock.js";
import type { ProviderRegistration } from "./registration.js";
import type { Scheduler } from "./scheduler.js";
import type { PollResult, ReadOnce, StepContext } from "./step-context.js";

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

/** How one operation is read, for one wait: its ref and the shared client; the rest is on the prototype,
 * so a wait's context is one small object. */
class TargetContext implements StepContext {
  readonly #ref: OperationRef;
  readonly #client: Client;
  /** The endpoint answers 304 to If-None-Match. */
  readonly #conditional: boolean;

  constructor(ref: OperationRef, client: Client) {
    this.#ref = ref;
    this.#client = client;
    this.#conditional = client.reader.description.endpoints[ref.endpoint]?.conditional ?? false;
  }

  get provider(): string {
    return this.#ref.provider;
  }
  get scheduler(): Scheduler {
    return this.#client.scheduler;
  }
  get origin(): string {
    return this.#client.origin;
  }
  get key(): string {
    return this.#client.key;
  }
  get requestTimeoutMs(): number {
    return this.#client.registration.timeoutMs;
  }
  get cutsAtDeadline(): boolean {
    return this.#client.scheduler.clock === systemClock;
  }

  label(): string {
    return labelOf(this.#client.registration, this.#ref);
  }

  async read(request: Parameters<ReadOnce>[0]): Promise<PollResult> {
    const { description, baseUrl, getOperation } = this.#client.reader;
    const { params, endpoint } = this.#ref;
    const readOptions: ReadOptions & { deadline?: number | undefined } = {
      endpoint,
      ifNoneMatch: this.#conditional ? request.ifNoneMatch : undefined,
      signal: request.signal,
      deadline: request.deadline,
    };
    const snapshot = await getOperation(params, readOptions);
    return {
      status: snapshot.notModified ? undefined : toOperationStatus(description, snapshot, baseUrl),
      etag: snapshot.etag,
      retryAfter: snapshot.retryAfter,
    };
  }
}

function labelOf(registration: ProviderRegistration, ref: OperationRef): string {
  return `${registration.description.displayName} operation ${Object.values(ref.params).join("/")}`;
}

/**
 * A target that passed the checks: a copy of its ref that stays inside the watcher (what a read is sent
 * for; the caller gets copies), and the client it is read through, once known.
 */
export interface Checked {
  readonly ref: OperationRef;
  client: Client | undefined;
}

/**
 * What a ref object was checked as: a poll passes the same ref again and again, and the checks are a pure
 * function of these. Refs are plain data their owner may change, so each use compares them again: the
 * same strings, the same `params` object with the same own keys in the same order, each holding the same
 * value (`Object.is`). The path parameters had to be own properties (what the checks read).
 */
interface CheckedObject extends Checked {
  readonly provider: string;
  readonly endpoint: string;
  readonly baseUrl: string;
  readonly params: object;
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
}

function unchanged(target: OperationRef, seen: CheckedObject): boolean {
  if (target.provider !== seen.provider || target.endpoint !== seen.endpoint || target.baseUrl !== seen.baseUrl) {
    return false;
  }
  const params = target.params;
  if (params !== seen.params) return false;
  const { keys, values } = seen;
  let count = 0;
  for (const key in params) {
    if (!Object.hasOwn(params, key)) continue;
    if (key !== keys[count] || !Object.is(params[key], values[count])) return false;
    count++;
  }
  return count === keys.length;
}

/** Status URLs already parsed (a string's ref never changes); bounded. */
const URLS_MAX = 256;

/**
 * A watcher's providers and the clients made from them: turns targets into validated refs, refs into
 * clients (never for a host nobody configured) and into the context a wait reads through.
 */
export class Targets {
  readonly #registrations: Map<string, ProviderRegistration>;
  readonly #scheduler: Scheduler;
  /** Clients by `provider baseUrl`; a provider's configured client also by its name. */
  readonly #clients = new Map<string, Client>();
  /** Ref objects that passed the checks, with what they were checked as. */
  readonly #checkedObjects = new WeakMap<object, CheckedObject>();
  /** Status URLs that parsed. */
  readonly #checkedUrls = new Map<string, Checked>();

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
    return { reader, registration, scheduler: this.#scheduler, origin, key };
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
    if (!knownBaseUrls(registration.description).includes(ref.baseUrl)) {
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

  /** A validated copy of the ref a target names. */
  ref(target: OperationTarget): OperationRef {
    const { ref } = this.checked(target);
    if (typeof target === "string") return { ...ref, params: { ...ref.params } };
    return {
      provider: target.provider,
      endpoint: target.endpoint,
      params: { ...target.params },
      baseUrl: target.baseUrl,
    };
  }

  /** The checked form of a target: from the cache when this string, or this object unchanged, passed before. */
  checked(target: OperationTarget): Checked {
    if (typeof target === "string") {
      let checked = this.#checkedUrls.get(target);
      if (checked === undefined) {
        const ref = this.#fromUrl(target);
        Object.freeze(ref.params);
        checked = { ref: Object.freeze(ref), client: undefined };
        if (this.#checkedUrls.size >= URLS_MAX) this.#checkedUrls.clear();
        this.#checkedUrls.set(target, checked);
      }
      return checked;
    }
    const seen = typeof target === "object" && target !== null ? this.#checkedObjects.get(target) : undefined;
    if (seen !== undefined && unchanged(target, seen)) return seen;
    return this.#check(target);
  }

  #fromUrl(url: string): OperationRef {
    for (const registration of this.#registrations.values()) {
      const ref = refFromUrl(registration.description, url, [this.#configured(registration).reader.baseUrl]);
      if (ref) return ref;
    }
    throw refUnrecognized(url, [...this.#registrations.keys()]);
  }

  #check(target: OperationRef): Checked {
    // Plain-JSON shape, then (for a registered provider) known endpoint and valid path params: what get()
    // would refuse, ref() refuses with the same error. One call, so the base URL is parsed once.
    const provider = (target as { provider?: unknown } | null)?.provider;
    const registered = typeof provider === "string" ? this.#registrations.get(provider) : undefined;
    assertRef(target, registered?.description);
    const registration = registered ?? this.registration(target.provider);
    const { params } = target;
    // Shared by every get() of this target: frozen, so nothing can change it for the others.
    const ref: OperationRef = Object.freeze({
      provider: target.provider,
      endpoint: target.endpoint,
      params: Object.freeze({ ...params }),
      baseUrl: target.baseUrl,
    });
    const keys: string[] = [];
    const values: unknown[] = [];
    for (const key in params) {
      if (!Object.hasOwn(params, key)) continue;
      keys.push(key);
      values.push(params[key]);
    }
    const checked: CheckedObject = {
      ref,
      client: undefined,
      provider: ref.provider,
      endpoint: ref.endpoint,
      baseUrl: ref.baseUrl,
      params,
      keys,
      values,
    };
    const pathParams = registration.description.endpoints[ref.endpoint]?.pathParams ?? [];
    if (pathParams.every((param) => Object.hasOwn(params, param.name))) this.#checkedObjects.set(target, checked);
    return checked;
  }

  /** The client a checked target is read through (see {@link client}), worked out once. */
  clientOf(checked: Checked): Client {
    checked.client ??= this.client(checked.ref);
    return checked.client;
  }

  /** The pushback key of a ref: provider and origin. Never contains a token. */
  key(ref: OperationRef): string {
    return pushbackKeyOf(ref.provider, originOf(ref.baseUrl));
  }

  label(ref: OperationRef): string {
    return labelOf(this.registration(ref.provider), ref);
  }

  /** What a wait, watch or step on this ref reads through. */
  context(ref: OperationRef): StepContext {
    return new TargetContext(ref, this.client(ref));
  }
}
