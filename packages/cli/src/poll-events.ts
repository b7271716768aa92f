// ADAPTER, to delete once the facade's `PollOptions.onEvent` lands in main: derives the facade's poll
// events (the plan's PollEvent contract) from today's `onProgress` / `onRetry`, and the `request` events
// from the fetch the CLI passes in the client options (attributed to a wait through AsyncLocalStorage).
// With `onEvent` in the facade: import PollEvent from "opwatch", pass `{ onEvent }`, drop `trackRequests`.
import { AsyncLocalStorage } from "node:async_hooks";
import type { OperationStatus, OpwatchError, PollOptions } from "opwatch";

export type PollEvent =
  | { type: "request"; at: number; attempt: number }
  | { type: "status"; at: number; status: OperationStatus; changed: boolean }
  | { type: "retry"; at: number; error: OpwatchError; delayMs: number; failures: number }
  | {
      type: "scheduled";
      at: number;
      delayMs: number;
      reason: "backoff" | "pacing" | "retry-after" | "pushback" | "admission";
    }
  | { type: "done"; at: number; status: OperationStatus; requests: number };

interface Tracker {
  onEvent: (event: PollEvent) => void;
  requests: number;
  failures: number;
}

const current = new AsyncLocalStorage<Tracker>();

/** Poll options that report every event of one wait to `onEvent`; run the wait inside `run`. */
export function withPollEvents<T>(
  onEvent: (event: PollEvent) => void,
  run: (options: Pick<PollOptions, "onProgress" | "onRetry">) => Promise<T>,
): Promise<T> {
  const tracker: Tracker = { onEvent, requests: 0, failures: 0 };
  const options: Pick<PollOptions, "onProgress" | "onRetry"> = {
    onProgress: (status) => {
      tracker.failures = 0;
      onEvent({ type: "status", at: Date.now(), status, changed: true });
      if (status.done) onEvent({ type: "done", at: Date.now(), status, requests: tracker.requests });
    },
    onRetry: (error, delayMs) => {
      tracker.failures += 1;
      onEvent({ type: "retry", at: Date.now(), error, delayMs, failures: tracker.failures });
      onEvent({
        type: "scheduled",
        at: Date.now(),
        delayMs,
        reason: error.retryAfter === undefined ? "backoff" : "retry-after",
      });
    },
  };
  return current.run(tracker, () => run(options));
}

/** Wraps the fetch given to the clients so that each request of a wait is reported as a `request` event. */
export function trackRequests(fetch: typeof globalThis.fetch): typeof globalThis.fetch {
  return (input, init) => {
    const tracker = current.getStore();
    if (tracker) {
      tracker.requests += 1;
      tracker.onEvent({ type: "request", at: Date.now(), attempt: tracker.requests });
    }
    return fetch(input, init);
  };
}
