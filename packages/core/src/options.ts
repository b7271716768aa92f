import { platformTransport } from "#transport";
import { DEFAULT_MAX_BODY_BYTES } from "./body.js";
import type { CompiledProvider } from "./compiled.js";
import { AuthError, OpwatchError, ValidationError } from "./errors.js";
import { rememberSecret } from "./redact.js";
import { fetchTransport, type Transport } from "./transport.js";

/** A token, or a function that returns one (called per request, and once more after a 401). */
export type TokenSource = string | (() => string | Promise<string>);

/** Options of a provider client (each package's `createClient`) and of `register` in the facade. */
export interface ClientOptions {
  /**
   * Bearer token or API key; for a provider with HTTP Basic auth (Twilio), `"username:password"`. Never
   * logged, never part of an error message.
   */
  token: TokenSource;
  /** Overrides the spec's server (a proxy, a stand-in, a host that is not published). */
  baseUrl?: string;
  /**
   * Values for the spec's server variables (ECL's `region`). An option named like the variable works too and
   * wins over `variables` when both are given (an undefined value counts as not given).
   */
  variables?: Readonly<Record<string, string | undefined>>;
  /**
   * A `fetch` to use instead of the default (tests, proxies, instrumentation). Without it, reads on Node go
   * over `node:http`/`node:https` while `globalThis.fetch` is Node's own, and through the global `fetch`
   * otherwise (browsers, other runtimes, a replaced global fetch); see the README's "Transport".
   */
  fetch?: typeof globalThis.fetch;
  /** Extra headers sent with every request. */
  headers?: Readonly<Record<string, string>>;
  /** Per-request timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
  /**
   * The most bytes of one answer's body a read takes, counted after decoding (default 1 MiB, 1 048 576): a
   * body that goes over is cut there and the read fails with a `ResponseError` naming this option.
   */
  maxBodyBytes?: number;
}

/** What an HTTP header value cannot hold (Node's http and fetch alike): a line break, another control
 * character, anything above U+00FF. A token read from a file often ends in a line break. */
const UNSENDABLE = /[^\t\x20-\x7e\x80-\xff]/;
/** An HTTP header name (RFC 9110's token). */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const UNSENDABLE_WHY =
  "has a character no HTTP header can carry (a line break, a control character or one above U+00FF)";

/** The per-request timeout when `timeoutMs` is not given. @internal */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Client options checked once, before any request. @internal */
export interface ClientSetup {
  provider: string;
  baseUrl: string;
  /** Origin of `baseUrl`: the only origin a request (or a followed redirect) may go to. */
  origin: string;
  /** The `fetch` option, else the global fetch: what the typed client sends with. */
  fetch: typeof globalThis.fetch;
  /** What reads send with: the `fetch` option's, else the platform's (node:http on Node), else fetch's. */
  transport: Transport;
  timeoutMs: number;
  /** The `maxBodyBytes` option: the most decoded bytes of one body a read takes. */
  maxBodyBytes: number;
  /** The tokens seen so far (the newest MAX_REMEMBERED_SECRETS), for redaction. */
  secrets: string[];
  /** The header that carries the token, lower-cased (`authorization`, `x-auth-token`). */
  authHeader: string;
  /** The same, as the spec spells it (for messages). */
  authHeaderName: string;
  /** The header value for the current token (asks a token function each time). */
  authValue(): Promise<string> | string;
  /** The token in a header value authValue gave (HTTP Basic's: its base64 form). */
  tokenOf(headerValue: string): string;
  /** `options.headers`, names lower-cased. */
  headers: Readonly<Record<string, string>>;
  /** The token is a function: worth asking again after a 401. */
  refreshable: boolean;
}

/**
 * The setup one request's errors are made with: its secrets always hold the token that request was sent
 * with (`headerValue`), even after a token function's newer tokens pushed it out of the client's list
 * while the request was in flight. A copy of the list, since the client's list changes as tokens come. @internal
 */
export function requestSetup(setup: ClientSetup, headerValue: string | null): ClientSetup {
  if (headerValue === null) return setup;
  const secrets = [...setup.secrets];
  const token = setup.tokenOf(headerValue);
  if (!secrets.includes(token)) secrets.push(token);
  return { ...setup, secrets };
}

/** Checks the options of a client (throws `ValidationError` before any request). @internal */
export function setUpClient(compiled: CompiledProvider, options: ClientOptions): ClientSetup {
  const { description } = compiled;
  const provider = description.name;
  if (options === null || typeof options !== "object") {
    throw new ValidationError(`${provider}: createClient needs an options object with a token option.`, { provider });
  }
  const { token } = options;
  if (typeof token === "string" ? token.trim() === "" : typeof token !== "function") {
    throw new ValidationError(`${provider}: the token option must be a non-empty string or a function returning one.`, {
      provider,
    });
  }
  if (typeof token === "string" && UNSENDABLE.test(token)) {
    throw new ValidationError(`${provider}: the token option ${UNSENDABLE_WHY}; trim what it was read from.`, {
      provider,
    });
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== "number" || !Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ValidationError(
      `${provider}: the timeoutMs option must be a positive number, got ${String(timeoutMs)}.`,
      {
        provider,
      },
    );
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (typeof maxBodyBytes !== "number" || !Number.isSafeInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new ValidationError(
      `${provider}: the maxBodyBytes option must be a positive whole number of bytes (default ${DEFAULT_MAX_BODY_BYTES}), got ${String(maxBodyBytes)}.`,
      { provider },
    );
  }
  const baseUrl = compiled.baseUrl(options.baseUrl, serverVariables(options));
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new ValidationError(`${provider}: no fetch is available in this runtime, so pass the fetch option.`, {
      provider,
    });
  }
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.headers ?? {})) {
    // Checked here: an unsendable header would fail every read later as a (retried) network error.
    if (!HEADER_NAME.test(name) || typeof value !== "string" || UNSENDABLE.test(value)) {
      throw new ValidationError(
        `${provider}: the headers option's ${JSON.stringify(name)} cannot be sent: a header name is a token such as X-Trace-Id, and its value a string without line breaks or control characters.`,
        { provider },
      );
    }
    headers[name.toLowerCase()] = value;
  }

  const secrets: string[] = typeof token === "string" ? [token] : [];
  const { auth } = description;
  const named = auth.type === "header" ? auth.name : undefined;
  // HTTP Basic's encoding comes with the compiled provider of a spec that uses it, so other apps carry none.
  const basic = compiled.basicAuth;
  const scheme = basic ? "Basic " : auth.type === "bearer" ? "Bearer " : "";
  const asHeader = (value: string) => (basic ? basic(provider, value, secrets) : scheme + value);
  const fromFunction = async (ask: () => string | Promise<string>): Promise<string> => {
    let value: unknown;
    try {
      value = await ask();
    } catch (error) {
      if (error instanceof OpwatchError) throw error;
      const why = error instanceof Error ? error.message : String(error);
      throw new AuthError(`${provider}: the token option's function failed (${why}), so no request was sent.`, {
        provider,
        cause: error,
        secrets,
      });
    }
    if (typeof value !== "string" || value.trim() === "") {
      throw new AuthError(`${provider}: the token option's function returned no token.`, { provider });
    }
    if (UNSENDABLE.test(value)) {
      throw new ValidationError(
        `${provider}: the token option's function returned a token that ${UNSENDABLE_WHY}, so no request was sent.`,
        { provider },
      );
    }
    rememberSecret(secrets, value);
    return asHeader(value);
  };
  const fixed = typeof token === "string" ? asHeader(token) : undefined;
  // Called as a plain function: a browser's fetch throws "Illegal invocation" when called as a method of `setup`.
  const fetch: typeof globalThis.fetch = (input, init) => fetchImpl(input, init);
  return {
    provider,
    baseUrl,
    origin: new URL(baseUrl).origin,
    fetch,
    // Without the fetch option, each read picks the platform's transport or the global fetch of that moment.
    transport:
      options.fetch === undefined
        ? platformTransport(fetchTransport((input, init) => globalThis.fetch(input, init)))
        : fetchTransport(fetchImpl),
    timeoutMs,
    maxBodyBytes,
    secrets,
    authHeader: named?.toLowerCase() ?? "authorization",
    authHeaderName: named ?? "Authorization",
    authValue: () => fixed ?? fromFunction(token as () => string | Promise<string>),
    tokenOf: (value) => (value.startsWith(scheme) ? value.slice(scheme.length) : value),
    headers,
    refreshable: typeof token === "function",
  };
}

/**
 * The server variables' values: `variables`, then every option (ECL's `region`), which wins over `variables`
 * (the one place: the typed client and the reader both get here). The provider's baseUrl reads only its
 * spec's variables of them.
 */
function serverVariables(options: ClientOptions): Readonly<Record<string, string | undefined>> {
  const values: Record<string, string | undefined> = {};
  for (const given of [options.variables ?? {}, options]) {
    for (const [name, value] of Object.entries(given)) {
      // Not only strings: the provider's baseUrl refuses anything else (`region: 1`) with a ValidationError.
      if (value !== undefined) values[name] = value as string;
    }
  }
  return values;
}
