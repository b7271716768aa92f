import {
  assertRef,
  createOperationReader,
  knownBaseUrls,
  type OperationRef,
  type OperationStatus,
  type ProviderClientBase,
  type ProviderDescription,
  type ReadOptions,
  refFromUrl,
  refUnrecognized,
  toOperationStatus,
  ValidationError,
} from "@opwatch/core";
import { aborted } from "./abort.js";
import { type Clock, systemClock } from "./clock.js";
import { type PollOptions, type WaitOptions, waitLoop, watchLoop } from "./poller.js";
import { Scheduler } from "./scheduler.js";
import {
  advance,
  fromPollState,
  type PollResult,
  type PollState,
  type ReadOnce,
  resolvePolicy,
  type StepContext,
  type StepOptions,
  type StepOutcome,
  startState,
  toPollState,
} from "./step.js";

/** What a provider package exports for the facade (`sourcecraft`, `keycard`, `bentley`, `ecl`): its name and
 * description; `createClient` (the typed openapi-fetch client) only carries the options type here. */
export interface ProviderModule<Options = never> {
  readonly name: string;
  readonly description: ProviderDescription;
  createClient?(options: Options): unknown;
}

/** A registration: a provider module with the options (token, base URL, region, fetch…) its clients are made with. */
export interface ProviderRegistration {
  readonly name: string;
  readonly description: ProviderDescription;
  /** Makes a client; `baseUrl` overrides the registered one for a ref that lives elsewhere. */
  connect(baseUrl?: string): ProviderClientBase;
  /** The clients' per-request timeout in ms. */
  readonly timeoutMs: number;
}

/**
 * Registers one provider with its client options. Only registered providers are bundled: an app that
 * registers SourceCraft alone never imports the other three.
 */
export function register<Options extends object>(
  module: ProviderModule<Options>,
  options: NoInfer<Options>,
): ProviderRegistration {
  if (!module || typeof module.name !== "string" || typeof module.description?.endpoints !== "object") {
    throw new ValidationError("register() takes a provider module such as `sourcecraft` from @opwatch/sourcecraft.");
  }
  // The lean reader: each read sent with fetch directly; openapi-fetch stays out of the poll path and the bundle.
  const connect = (baseUrl?: string) =>
    createOperationReader(
      module.description,
      (baseUrl === undefined ? options : { ...options, baseUrl }) as Parameters<typeof createOperationReader>[1],
    );
  // Validate the options now (token, base URL, region), before anything is polled.
  connect();
  const timeoutMs = (options as { timeoutMs?: number }).timeoutMs ?? 30_000;
  return { name: module.name, description: module.description, connect, timeoutMs };
}

export interface WatcherOptions {
  providers: readonly ProviderRegistration[];
  /** Defaults for every wait, watch and step of this watcher. */
  polling?: WaitOptions;
  /**
   * Requests in flight per origin, shared by all waits, watches and steps of this watcher (default 16);
   * the others queue for a slot, first polls included.
   */
  maxInFlightPerOrigin?: number;
  /** Time source of the scheduler (default `Date.now` and the global timers); tests pass a fake one. */
  clock?: Clock;
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
  /**
   * Reads once and says what to do next, with the wait's state as plain JSON: pass no state for the
   * first step, then the `state` of the previous outcome. For queues and workflow engines that drive a
   * wait across processes (see the README's recipe).
   */
  step(target: OperationTarget, state?: PollState, options?: StepOptions): Promise<StepOutcome>;
  /** The key under which the provider's pushback for this target is shared: provider and origin (one
   * registration, so one credential, per provider in a watcher). Never contains a token. */
  pushbackKey(target: OperationTarget): string;
}

export function createWatcher(options: WatcherOptions): Watcher {
  const registrations = new Map<string, ProviderRegistration>();
  for (const registration of options?.providers ?? []) {
    if (typeof registration?.connect !== "function") {
      throw new ValidationError("providers must be made with register(module, options).");
    }
    registrations.set(registration.name, registration);
  }
  if (registrations.size === 0) {
    throw new ValidationError(
      "createWatcher needs at least one provider: providers: [register(sourcecraft, { token })].",
    );
  }
  const limit = options.maxInFlightPerOrigin;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new ValidationError(`maxInFlightPerOrigin must be a whole number of at least 1, got ${String(limit)}.`);
  }
  const clock = options.clock;
  if (clock !== undefined && !(typeof clock?.now === "function" && typeof clock.setTimeout === "function")) {
    throw new ValidationError("clock must have now(), setTimeout() and clearTimeout().");
  }
  const scheduler = new Scheduler(clock, limit);
  const defaults = options.polling ?? {};
  const clients = new Map<string, ProviderClientBase>();
  const defaultClients = new Map<string, ProviderClientBase>();

  const registrationOf = (name: string) => {
    const registration = registrations.get(name);
    if (!registration) {
      throw new ValidationError(
        `provider "${name}" is not registered; registered: ${[...registrations.keys()].join(", ")}. Add register(${name}, { token }).`,
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
    // Plain-JSON shape, then (for a registered provider) known endpoint and valid path params: what get()
    // would refuse, ref() refuses with the same error. One call, so the base URL is parsed once.
    const provider = (target as { provider?: unknown } | null)?.provider;
    const registered = typeof provider === "string" ? registrations.get(provider) : undefined;
    assertRef(target, registered?.description);
    if (!registered) registrationOf(target.provider);
    return {
      provider: target.provider,
      endpoint: target.endpoint,
      params: { ...target.params },
      baseUrl: target.baseUrl,
    };
  };

  const readerFor = (ref: OperationRef, client: ProviderClientBase): ReadOnce => {
    const conditional = client.description.endpoints[ref.endpoint]?.conditional ?? false;
    const { description, baseUrl } = client;
    const { params, endpoint } = ref;
    return async (request): Promise<PollResult> => {
      const readOptions: ReadOptions & { deadline?: number | undefined } = {
        endpoint,
        ifNoneMatch: conditional ? request.ifNoneMatch : undefined,
        signal: request.signal,
        deadline: request.deadline,
      };
      const snapshot = await client.getOperation(params, readOptions);
      return {
        status: snapshot.notModified ? undefined : toOperationStatus(description, snapshot, baseUrl),
        etag: snapshot.etag,
        retryAfter: snapshot.retryAfter,
      };
    };
  };

  const originOf = (baseUrl: string) => {
    const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(baseUrl);
    return (match?.[0] ?? baseUrl).toLowerCase();
  };
  const keyOf = (ref: OperationRef) => `${ref.provider}@${originOf(ref.baseUrl)}`;

  const label = (ref: OperationRef) =>
    `${registrationOf(ref.provider).description.displayName} operation ${Object.values(ref.params).join("/")}`;

  const contextFor = (ref: OperationRef): StepContext => {
    const client = clientFor(ref);
    return {
      read: readerFor(ref, client),
      label: label(ref),
      provider: ref.provider,
      scheduler,
      origin: originOf(client.baseUrl),
      key: keyOf(ref),
      requestTimeoutMs: registrationOf(ref.provider).timeoutMs,
      cutsAtDeadline: scheduler.clock === systemClock,
    };
  };

  return {
    ref: toRef,
    pushbackKey: (target) => keyOf(toRef(target)),
    async get(target, getOptions = {}) {
      const ref = toRef(target);
      const signal = getOptions.signal;
      if (signal?.aborted) throw aborted(signal, ref.provider);
      const client = clientFor(ref);
      const origin = originOf(client.baseUrl);
      const queued = scheduler.acquire(origin, signal, () => aborted(signal as AbortSignal, ref.provider));
      if (queued) await queued;
      let snapshot: Awaited<ReturnType<ProviderClientBase["getOperation"]>>;
      try {
        snapshot = await client.getOperation(ref.params, { endpoint: ref.endpoint, signal });
      } finally {
        scheduler.release(origin);
      }
      if (snapshot.notModified) {
        throw new ValidationError(`${label(ref)}: the server answered 304 to an unconditional read.`);
      }
      return toOperationStatus(client.description, snapshot, client.baseUrl);
    },
    async wait(target, waitOptions = {}) {
      const merged = { ...defaults, ...waitOptions };
      const ctx = contextFor(toRef(target));
      const policy = resolvePolicy(merged);
      return waitLoop(ctx, startState(scheduler.clock.now(), policy.maxWaitMs), policy, merged);
    },
    watch(target, watchOptions = {}) {
      const merged = { ...defaults, ...watchOptions };
      const ctx = contextFor(toRef(target));
      const policy = resolvePolicy(merged);
      return watchLoop(ctx, startState(scheduler.clock.now(), policy.maxWaitMs), policy, merged.onProgress);
    },
    async step(target, state, stepOptions = {}) {
      const ctx = contextFor(toRef(target));
      const { throwOnFailure: _, onProgress: __, onRetry: ___, ...shared } = defaults;
      const policy = resolvePolicy({ ...shared, ...stepOptions });
      const live = state === undefined ? startState(scheduler.clock.now(), policy.maxWaitMs) : fromPollState(state);
      const before = live.last;
      const outcome = await advance(ctx, live, policy);
      const json = toPollState(live);
      if (outcome.kind === "error") return { kind: "error", error: outcome.error, state: json };
      if (outcome.kind === "done") return { kind: "done", status: live.last as OperationStatus, state: json };
      const until = scheduler.pushbackUntil(ctx.key);
      return {
        kind: "pending",
        status: live.last,
        changed: live.last !== before,
        delayMs: outcome.delayMs,
        reason: outcome.reason,
        state: json,
        ...(until > 0 ? { pushback: { key: ctx.key, untilMs: until } } : {}),
      };
    },
  };
}
