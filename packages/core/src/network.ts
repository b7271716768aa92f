import { NetworkError, OpwatchError } from "./errors.js";
import type { ClientSetup } from "./options.js";

const inBrowser = (): boolean =>
  typeof (globalThis as { document?: unknown }).document === "object" ||
  typeof (globalThis as { importScripts?: unknown }).importScripts === "function";

/** A failure with no HTTP answer; in a browser, a fetch `TypeError` is most often CORS, so the message says so. @internal */
export function networkError(setup: ClientSetup, error: unknown): OpwatchError {
  if (error instanceof OpwatchError) return error;
  const { provider, baseUrl, secrets } = setup;
  const reason = whatFailed(error, true);
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

/**
 * The error's message with its code when the message lacks it (node:http's "socket hang up" is an
 * ECONNRESET), then its cause's (fetch says only "fetch failed"; its cause names the code and host).
 */
function whatFailed(error: unknown, withCause: boolean): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  let reason = error.message;
  if (typeof code === "string" && !reason.includes(code)) reason = reason ? `${reason}, ${code}` : code;
  return withCause && error.cause instanceof Error ? `${reason}: ${whatFailed(error.cause, false)}` : reason;
}
