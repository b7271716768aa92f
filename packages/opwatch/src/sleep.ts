import { AbortError } from "@opwatch/core";

/** Waits `ms`, or rejects with AbortError as soon as `signal` fires; leaves no timer or listener behind. */
export function sleep(ms: number, signal: AbortSignal | undefined, provider?: string): Promise<void> {
  if (signal?.aborted) return Promise.reject(aborted(signal, provider));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(aborted(signal as AbortSignal, provider));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

export function aborted(signal: AbortSignal, provider?: string): AbortError {
  return new AbortError(`${provider ? `${provider}: ` : ""}wait aborted by the caller's signal.`, {
    provider,
    cause: signal.reason,
  });
}
