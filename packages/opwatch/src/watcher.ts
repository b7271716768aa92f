import { Changes } from "./changes.js";
import { type StepOutcome, stepOnce, waitUntilDone } from "./poll-loop.js";
import type { PollState } from "./poll-state.js";
import type { OperationTarget } from "./provider-clients.js";
import { type CheckedOptions, checkWaitOptions, type WaitOptions } from "./wait-options.js";
import { type Reader, readerOf, setUpWatcher, type WatcherOptions } from "./watcher-setup.js";

/**
 * Reads, waits on and watches operations of the providers it was created with ({@link createWatcher}):
 * `ref`, `get`, `wait`, `watch`, `step` and `pushbackKey`. One per process is enough; its waits share one
 * timer, the request slots per origin and the providers' pushback.
 */
export interface Watcher extends Reader {
  /** Polls until the operation is done; resolves with the final status (see WaitOptions). */
  wait(target: OperationTarget, options?: WaitOptions): Promise<OperationStatus>;
  /** Yields each observed change, the first at once, and ends after the terminal status. */
  watch(target: OperationTarget, options?: WaitOptions): AsyncIterableIterator<OperationStatus>;
  /**
   * Reads once and says what to do next, with the wait's state as plain JSON: pass no state for the
   * first step, then the `state` of the previous outcome. For queues and workflow engines that drive a
   * wait across processes (see the README's recipe).
   */
  step(target: OperationTarget, state?: PollState, options?: WaitOptions): Promise<StepOutcome>;
}

import type { OperationStatus } from "@opwatch/core";

function hasOwnKeys(object: object): boolean {
  for (const key in object) if (Object.hasOwn(object, key)) return true;
  return false;
}

/**
 * A watcher: the reader's `ref`, `get` and `pushbackKey`, and the poll loop's `wait`, `watch` and `step`,
 * all sharing one scheduler. An app that only reads once can use `createReader`, which bundles no polling.
 * Bad options throw a `ValidationError` at once, before any request.
 *
 * @example
 * ```ts
 * import { createWatcher, register } from "opwatch";
 * import { bentley } from "@opwatch/bentley";
 *
 * const watcher = createWatcher({ providers: [register(bentley, { token: process.env.BENTLEY_TOKEN ?? "" })] });
 * const final = await watcher.wait(statusUrl, { onProgress: (s) => console.log(s.state, s.progress) });
 * ```
 */
export function createWatcher(options: WatcherOptions): Watcher {
  const parts = setUpWatcher(options);
  const { clients, defaults } = parts;
  // A wait or watch without options of its own shares the watcher's, checked once: no per-wait copy.
  let shared: CheckedOptions | undefined;
  const optionsOf = (own: WaitOptions): CheckedOptions => {
    if (hasOwnKeys(own)) return checkWaitOptions({ ...defaults, ...own });
    shared ??= checkWaitOptions(defaults);
    return shared;
  };
  // A step reads the watcher's pacing and limits, not its wait callbacks.
  const { throwOnFailure: _, onProgress: __, onRetry: ___, ...stepDefaults } = defaults;
  return {
    ...readerOf(parts),
    wait(target, waitOptions = {}) {
      try {
        const [ctx, params] = clients.context(target);
        return waitUntilDone(ctx, params, optionsOf(waitOptions));
      } catch (error) {
        return Promise.reject(error);
      }
    },
    watch(target, watchOptions = {}) {
      const [ctx, params] = clients.context(target);
      return new Changes(ctx, params, optionsOf(watchOptions));
    },
    async step(target, state, stepOptions = {}) {
      const [ctx, params] = clients.context(target);
      return stepOnce(ctx, params, state, checkWaitOptions({ ...stepDefaults, ...stepOptions }));
    },
  };
}
