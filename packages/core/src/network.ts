import { NetworkError, OpwatchError } from "./errors.js";
import type { ClientSetup } from "./options.js";

const inBrowser = (): boolean =>
  typeof (globalThis as { document?: unknown }).document === "object" ||
  typeof (globalThis as { importScripts?: unknown }).importScripts === "function";

/** A failure with no HTTP answer; in a browser, a fetch `TypeError` is most often CORS, so the message says so. @internal */
export function networkError(setup: ClientSetup, error: unknown): OpwatchError {
  if (error instanceof OpwatchError) return error;
  const { provider, baseUrl, secrets } = setup;
  const reason = error instanceof Error ? error.message : String(error);
  const hint =
    error instanceof TypeError && inBrowser()
      ? `in a browser this is often CORS: the server must allow this origin and the headers ${setup.authHeaderName} and If-None-Match, and expose ETag, Retry-After and Location`
      : "check the network and the baseUrl option";
  return new NetworkError(`${provider}: the request to ${baseUrl} failed (${reason}); ${hint}.`, {
    provider,
    cause: error,
    secrets,
  });
}
