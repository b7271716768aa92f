import { AbortError } from "@opwatch/core";

export function aborted(signal: AbortSignal, provider?: string): AbortError {
  return new AbortError(`${provider ? `${provider}: ` : ""}wait aborted by the caller's signal.`, {
    provider,
    cause: signal.reason,
  });
}
