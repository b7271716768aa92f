import { type AbortError, abortError } from "@opwatch/core";

/** The wait's AbortError (core's one abort-error factory). */
export function aborted(signal: AbortSignal, provider?: string): AbortError {
  return abortError(provider, signal, "wait");
}
