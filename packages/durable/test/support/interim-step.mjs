// @ts-check
// Until opwatch's resumable step lands: a stand-in `step` over `watcher.get`, with the same contract.
// A watcher that has `step` and `pushbackKey` is returned as it is.
import { RateLimitError, TimeoutError } from "opwatch";

/**
 * @param {any} watcher
 * @returns {import("../../src/contract.js").StepWatcher}
 */
export function withStep(watcher) {
  if (typeof watcher.step === "function" && typeof watcher.pushbackKey === "function") return watcher;
  /** @param {any} target */
  const pushbackKey = (target) => new URL(watcher.ref(target).baseUrl).origin;
  return {
    ref: (target) => watcher.ref(target),
    pushbackKey,
    async step(target, state, options = {}) {
      const now = Date.now();
      const s = state ?? {
        v: 1,
        startedAt: now,
        deadline: now + (options.maxWaitMs ?? 1_800_000),
        attempt: 0,
        failures: 0,
      };
      const floor = options.minDelayMs ?? 1000;
      const cap = options.maxDelayMs ?? 30_000;
      try {
        const status = await watcher.get(target);
        const next = { ...s, attempt: s.attempt + 1, failures: 0, last: JSON.parse(JSON.stringify(status)) };
        if (status.done) return { kind: "done", status, state: next };
        if (now >= s.deadline) {
          return { kind: "error", error: new TimeoutError("not done in time", status), state: next };
        }
        const delayMs = Math.min(cap, floor * 2 ** Math.min(s.attempt, 10));
        return { kind: "pending", status, changed: true, delayMs, reason: "backoff", state: next };
      } catch (caught) {
        const error = /** @type {any} */ (caught);
        if (!(error instanceof RateLimitError) && !error?.retryable) return { kind: "error", error, state: s };
        const retryAfterMs = (error.retryAfter ?? 0) * 1000;
        const delayMs = Math.max(retryAfterMs, floor);
        const next = { ...s, failures: s.failures + 1 };
        return {
          kind: "pending",
          status: undefined,
          changed: false,
          delayMs,
          reason: retryAfterMs ? "retry-after" : "backoff",
          state: next,
          ...(retryAfterMs ? { pushback: { key: pushbackKey(target), untilMs: Date.now() + retryAfterMs } } : {}),
        };
      }
    },
  };
}
