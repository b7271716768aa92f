import { type OperationRef, type OperationStatus, toOperationStatus, ValidationError } from "@opwatch/core";
import { aborted } from "./abort.js";
import { type Clock, checkClock } from "./clock.js";
import type { PollState } from "./poll-state.js";
import { type PollOptions, type WaitOptions, watchLoop } from "./poller.js";
import type { ProviderRegistration } from "./registration.js";
import { Scheduler } from "./scheduler.js";
import type { StepOutcome } from "./step.js";
import { checkSignal, type Policy, resolvePolicy, type StepOptions } from "./step-options.js";
import { type OperationTarget, Targets } from "./targets.js";
import { stepOnce, WaitRun } from "./wait-run.js";

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

export interface Watcher {
  /** Turns a status URL (or a ref read back from JSON) into a validated ref: the operation's one name
   * (exactly its endpoint's path parameters, a base URL this watcher sends credentials to). */
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

const neverAborted = (): Error => new Error("unreachable: a read without a signal was aborted");

function hasOwnKeys(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return true;
  return false;
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
  const scheduler = new Scheduler(checkClock(options.clock), limit);
  const targets = new Targets(registrations, scheduler);
  const defaults = options.polling ?? {};
  // A wait or watch without options of its own shares the watcher's: no per-wait copy.
  let shared: Policy | undefined;
  const polling = (own: WaitOptions): Policy => {
    if (hasOwnKeys(own)) return resolvePolicy({ ...defaults, ...own });
    shared ??= resolvePolicy(defaults);
    return shared;
  };

  return {
    ref: (target) => targets.canonicalRef(target),
    pushbackKey: (target) => targets.key(targets.checked(target).ref),
    async get(target, getOptions) {
      const checked = targets.checked(target);
      const ref = checked.ref;
      const signal = getOptions === undefined ? undefined : getOptions.signal;
      checkSignal(signal);
      if (signal?.aborted) throw aborted(signal, ref.provider);
      const { reader, origin } = targets.clientOf(checked);
      // Without a signal there is nothing to abort the queueing: no closure for it.
      const queued = scheduler.acquire(origin, signal, signal ? () => aborted(signal, ref.provider) : neverAborted);
      if (queued) await queued;
      let snapshot: Awaited<ReturnType<typeof reader.getOperation>>;
      try {
        snapshot = await reader.getOperation(ref.params, { endpoint: ref.endpoint, signal });
      } finally {
        scheduler.release(origin);
      }
      if (snapshot.notModified) {
        throw new ValidationError(`${targets.label(ref)}: the server answered 304 to an unconditional read.`);
      }
      return toOperationStatus(reader.description, snapshot, reader.baseUrl);
    },
    wait(target, waitOptions = {}) {
      try {
        return WaitRun.start(targets.context(targets.ref(target)), polling(waitOptions));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    watch(target, watchOptions = {}) {
      return watchLoop(targets.context(targets.ref(target)), polling(watchOptions));
    },
    async step(target, state, stepOptions = {}) {
      const ctx = targets.context(targets.ref(target));
      const { throwOnFailure: _, onProgress: __, onRetry: ___, ...common } = defaults;
      return stepOnce(ctx, state, resolvePolicy({ ...common, ...stepOptions }));
    },
  };
}
