import {
  assertRef,
  knownBaseUrls,
  type OperationRef,
  type OperationStatus,
  type ProviderClientBase,
  type ProviderDescription,
  refFromUrl,
  refUnrecognized,
  toOperationStatus,
  ValidationError,
} from "@opwatch/core";
import {
  type PollOptions,
  type PollResult,
  pollChanges,
  pollUntilDone,
  type ReadOnce,
  type WaitOptions,
} from "./poller.js";
import { aborted } from "./sleep.js";

/** What a provider package exports for the facade (`sourcecraft`, `keycard`, `bentley`, `ecl`). */
export interface ProviderModule<Options = never> {
  readonly name: string;
  readonly description: ProviderDescription;
  createClient(options: Options): ProviderClientBase;
}

/** A provider with the options (token, base URL, region, fetch…) its clients are made with. */
export interface ProviderRegistration {
  readonly name: string;
  readonly description: ProviderDescription;
  /** Makes a client; `baseUrl` overrides the registered one for a ref that lives elsewhere. */
  connect(baseUrl?: string): ProviderClientBase;
}

/**
 * Registers one provider with its client options. Only registered providers are bundled: an app that
 * registers SourceCraft alone never imports the other three.
 */
export function provider<Options extends object>(
  module: ProviderModule<Options>,
  options: NoInfer<Options>,
): ProviderRegistration {
  if (!module || typeof module.createClient !== "function" || typeof module.name !== "string") {
    throw new ValidationError("provider() takes a provider module such as `sourcecraft` from @opwatch/sourcecraft.");
  }
  const connect = (baseUrl?: string) => module.createClient(baseUrl === undefined ? options : { ...options, baseUrl });
  // Validate the options now (token, base URL, region), before anything is polled.
  connect();
  return { name: module.name, description: module.description, connect };
}

export interface WatcherOptions {
  providers: readonly ProviderRegistration[];
  /** Defaults for every wait and watch of this watcher. */
  polling?: WaitOptions;
}

/** Anything that names one operation: a ref (plain JSON) or a status URL. */
export type OperationTarget = OperationRef | string;

export interface Watcher {
  /** Turns a status URL (or a ref read back from JSON) into a validated ref. */
  ref(target: OperationTarget): OperationRef;
  /** Reads the operation once. */
  get(target: OperationTarget, options?: { signal?: AbortSignal }): Promise<OperationStatus>;
  /** Polls until the operation is done; resolves with the final status (see WaitOptions). */
  wait(target: OperationTarget, options?: WaitOptions): Promise<OperationStatus>;
  /** Yields each observed change, the first at once, and ends after the terminal status. */
  watch(target: OperationTarget, options?: PollOptions): AsyncIterableIterator<OperationStatus>;
}

export function createWatcher(options: WatcherOptions): Watcher {
  const registrations = new Map<string, ProviderRegistration>();
  for (const registration of options?.providers ?? []) {
    if (typeof registration?.connect !== "function") {
      throw new ValidationError("providers must be made with provider(module, options).");
    }
    registrations.set(registration.name, registration);
  }
  if (registrations.size === 0) {
    throw new ValidationError(
      "createWatcher needs at least one provider: providers: [provider(sourcecraft, { token })].",
    );
  }
  const defaults = options.polling ?? {};
  const clients = new Map<string, ProviderClientBase>();
  const defaultClients = new Map<string, ProviderClientBase>();

  const registrationOf = (name: string) => {
    const registration = registrations.get(name);
    if (!registration) {
      throw new ValidationError(
        `provider "${name}" is not registered; registered: ${[...registrations.keys()].join(", ")}. Add provider(${name}, { token }).`,
      );
    }
    return registration;
  };

  const defaultClient = (registration: ProviderRegistration) => {
    let client = defaultClients.get(registration.name);
    if (!client) {
      client = registration.connect();
      defaultClients.set(registration.name, client);
    }
    return client;
  };

  /** The client for a ref's base URL, which must be the registered one or one of the spec's servers:
   * a ref from elsewhere must never make us send the token to a host nobody configured. */
  const clientFor = (ref: OperationRef): ProviderClientBase => {
    const registration = registrationOf(ref.provider);
    const configured = defaultClient(registration);
    if (ref.baseUrl === configured.baseUrl) return configured;
    if (!knownBaseUrls(registration.description).includes(ref.baseUrl)) {
      throw new ValidationError(
        `${ref.provider}: refusing to send credentials to ${ref.baseUrl}, which is neither the configured base URL (${configured.baseUrl}) nor a server of the spec.`,
        { provider: ref.provider },
      );
    }
    const key = `${ref.provider} ${ref.baseUrl}`;
    let client = clients.get(key);
    if (!client) {
      client = registration.connect(ref.baseUrl);
      clients.set(key, client);
    }
    return client;
  };

  const toRef = (target: OperationTarget): OperationRef => {
    if (typeof target === "string") {
      for (const registration of registrations.values()) {
        const ref = refFromUrl(registration.description, target, [defaultClient(registration).baseUrl]);
        if (ref) return ref;
      }
      throw refUnrecognized(target, [...registrations.keys()]);
    }
    assertRef(target);
    // Known operation and valid path params: what get() would refuse, ref() refuses with the same error.
    assertRef(target, registrationOf(target.provider).description);
    return {
      provider: target.provider,
      operation: target.operation,
      params: { ...target.params },
      baseUrl: target.baseUrl,
    };
  };

  const readerFor = (ref: OperationRef): ReadOnce => {
    const client = clientFor(ref);
    const { conditional } = client.description.operations[ref.operation] ?? { conditional: false };
    return async ({ ifNoneMatch, signal }): Promise<PollResult> => {
      const snapshot = await client.getOperation(ref.params, {
        operation: ref.operation,
        ...(conditional && ifNoneMatch !== undefined ? { ifNoneMatch } : {}),
        ...(signal ? { signal } : {}),
      });
      return {
        status: snapshot.notModified ? undefined : toOperationStatus(client.description, snapshot, client.baseUrl),
        etag: snapshot.etag,
        retryAfter: snapshot.retryAfter,
      };
    };
  };

  const label = (ref: OperationRef) =>
    `${registrationOf(ref.provider).description.displayName} operation ${Object.values(ref.params).join("/")}`;

  return {
    ref: toRef,
    async get(target, getOptions = {}) {
      const ref = toRef(target);
      if (getOptions.signal?.aborted) throw aborted(getOptions.signal, ref.provider);
      const result = await readerFor(ref)({ ifNoneMatch: undefined, signal: getOptions.signal });
      if (!result.status) throw new ValidationError(`${label(ref)}: the server answered 304 to an unconditional read.`);
      return result.status;
    },
    wait(target, waitOptions = {}) {
      try {
        const ref = toRef(target);
        return pollUntilDone(readerFor(ref), label(ref), { ...defaults, ...waitOptions });
      } catch (error) {
        return Promise.reject(error);
      }
    },
    watch(target, watchOptions = {}) {
      const ref = toRef(target);
      return pollChanges(readerFor(ref), label(ref), { ...defaults, ...watchOptions });
    },
  };
}
