import { type OperationRef, type OperationStatus, ValidationError } from "@opwatch/core";
import { aborted } from "./abort.js";
import { type Clock, checkClock } from "./clock.js";
import { type OperationTarget, ProviderClients } from "./provider-clients.js";
import type { ProviderRegistration } from "./registration.js";
import { Scheduler } from "./scheduler.js";
import { readOnce } from "./wait.js";
import { type CheckedOptions, checkSignal, type WaitOptions } from "./wait-options.js";

/** Options of {@link createWatcher}: the providers, poll defaults, request slots per origin, and the clock. */
export interface WatcherOptions {
  providers: readonly ProviderRegistration[];
  /** Defaults for every wait, watch and step of this watcher. */
  polling?: WaitOptions;
  /**
   * Requests in flight per origin, shared by all reads, waits, watches and steps of this watcher (default
   * 16); the others queue for a slot, first polls included.
   */
  maxInFlightPerOrigin?: number;
  /** Time source of the scheduler (default `Date.now` and the global timers); tests pass a fake one. */
  clock?: Clock;
}

/** What reads an operation once: `createReader`'s result, and the part of a `Watcher` that does not poll. */
export interface Reader {
  /** Turns a status URL (or a ref read back from JSON) into a validated ref. */
  ref(target: OperationTarget): OperationRef;
  /** Reads the operation once, through the same request slots as the watcher's waits. */
  get(target: OperationTarget, options?: { signal?: AbortSignal }): Promise<OperationStatus>;
  /** The key under which the provider's pushback for this target is shared: provider and origin (one
   * registration, so one credential, per provider in a watcher). Never contains a token. */
  pushbackKey(target: OperationTarget): string;
}

/** The providers, scheduler and defaults a watcher (or a reader) is made of, checked. */
export interface WatcherParts {
  readonly clients: ProviderClients;
  readonly scheduler: Scheduler;
  readonly defaults: WaitOptions;
}

/** Checks a watcher's options, before anything is read. */
export function setUpWatcher(options: WatcherOptions): WatcherParts {
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
  const scheduler = new Scheduler(checkClock(options.clock), limit);
  return { clients: new ProviderClients(registrations, scheduler), scheduler, defaults: options.polling ?? {} };
}

/** `get` reads once: no deadline, no retries. */
const GET_OPTIONS: CheckedOptions = {
  maxWaitMs: Number.POSITIVE_INFINITY,
  maxConsecutiveFailures: 1,
  throwOnFailure: false,
};

/** The methods that read without polling: `ref`, `get`, `pushbackKey`. */
export function readerOf({ clients }: WatcherParts): Reader {
  return {
    ref: (target) => clients.canonicalRef(target),
    pushbackKey: (target) => clients.key(clients.checked(target).ref),
    async get(target, getOptions) {
      const [ctx, params] = clients.context(target);
      const signal = getOptions === undefined ? undefined : getOptions.signal;
      checkSignal(signal);
      if (signal?.aborted) throw aborted(signal, ctx.provider);
      const result = await readOnce(ctx, params, signal ? { ...GET_OPTIONS, signal } : GET_OPTIONS);
      if (result.status === undefined) {
        throw new ValidationError(`${ctx.label(params)}: the server answered 304 to an unconditional read.`);
      }
      return result.status;
    },
  };
}
