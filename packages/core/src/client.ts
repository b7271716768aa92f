import createFetchClient, { type Client } from "openapi-fetch";
import { resolveBaseUrl } from "./base-url.js";
import type { PollOperationDescription, ProviderDescription } from "./description.js";
import {
  AbortError,
  ApiError,
  AuthError,
  NetworkError,
  NotFoundError,
  type OpwatchError,
  RateLimitError,
  ResponseError,
  ServerError,
  ValidationError,
} from "./errors.js";
import { expandPath, type PathParamValue, validatePathParams } from "./params.js";
import { readString } from "./pointer.js";
import { readPushback } from "./pushback.js";

/** A token, or a function that returns one (called per request, and once more after a 401). */
export type TokenSource = string | (() => string | Promise<string>);

export interface ClientOptions {
  /** Bearer token or API key. Never logged, never part of an error message. */
  token: TokenSource;
  /** Overrides the spec's server (a proxy, a stand-in, a host that is not published). */
  baseUrl?: string;
  /** Values for the spec's server variables (ECL's `region`). */
  variables?: Readonly<Record<string, string | undefined>>;
  /** A `fetch` to use instead of the global one (tests, proxies, instrumentation). */
  fetch?: typeof globalThis.fetch;
  /** Extra headers sent with every request. */
  headers?: Readonly<Record<string, string>>;
  /** Per-request timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
}

export interface ReadOptions<Op extends string = string> {
  /** Which of the provider's poll endpoints to read (defaults to the spec's first). */
  operation?: Op;
  /** ETag from an earlier read: a provider with conditional reads answers 304 when nothing changed. */
  ifNoneMatch?: string;
  signal?: AbortSignal;
}

/** One read of an operation, before normalization. */
export interface OperationSnapshot<Body = unknown> {
  /** operationId of the endpoint that was read. */
  operation: string;
  params: Record<string, PathParamValue>;
  httpStatus: number;
  /** The typed body; `undefined` for 304 and for redirects. */
  body: Body | undefined;
  notModified: boolean;
  etag?: string;
  /** `Location` of a redirect answer (Keycard's 303 to the install). Never followed. */
  location?: string;
  /** Seconds the server asked to wait before the next request. */
  retryAfter?: number;
}

export interface ProviderClientBase {
  readonly provider: string;
  readonly baseUrl: string;
  readonly description: ProviderDescription;
  /** Reads one operation: validates the ids, sends one GET, turns error answers into typed errors. */
  getOperation(
    params: PathParamValue | Readonly<Record<string, PathParamValue>>,
    options?: ReadOptions,
  ): Promise<OperationSnapshot>;
}

/**
 * The paths as the raw openapi-fetch client sees them: open enums (`Known | (string & {})`) widened to
 * `string`. openapi-fetch passes every body through its `Readable<T>`, which maps any `T extends object`
 * — and `string & {}` is one — into an object of string methods; plain `string` passes through intact.
 * `getOperation` bodies keep the literal types.
 */
export type RawPaths<T> = T extends string
  ? string extends T
    ? string
    : T
  : T extends readonly (infer E)[]
    ? RawPaths<E>[]
    : T extends object
      ? { [K in keyof T]: RawPaths<T[K]> }
      : T;

export type ProviderClient<Paths extends {}> = Client<RawPaths<Paths>> & ProviderClientBase;

const DEFAULT_TIMEOUT_MS = 30_000;

/** Builds the typed openapi-fetch client of one provider plus its operation reader. */
export function createProviderClient<Paths extends {}>(
  description: ProviderDescription,
  options: ClientOptions,
): ProviderClient<Paths> {
  const provider = description.name;
  if (options === null || typeof options !== "object") {
    throw new ValidationError(`${provider}: createClient needs an options object with a token.`, { provider });
  }
  const { token } = options;
  if (typeof token === "string" ? token.trim() === "" : typeof token !== "function") {
    throw new ValidationError(`${provider}: token must be a non-empty string or a function returning one.`, {
      provider,
    });
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new ValidationError(`${provider}: timeoutMs must be a positive number, got ${String(timeoutMs)}.`, {
      provider,
    });
  }
  const baseUrl = resolveBaseUrl(description, options.baseUrl, options.variables);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== "function") {
    throw new ValidationError(`${provider}: no fetch available; pass options.fetch.`, { provider });
  }

  const secrets: string[] = typeof token === "string" ? [token] : [];
  const resolveToken = async (): Promise<string> => {
    if (typeof token === "string") return token;
    const value = await token();
    if (typeof value !== "string" || value.trim() === "") {
      throw new AuthError(`${provider}: the token function returned no token.`, { provider });
    }
    if (!secrets.includes(value)) secrets.push(value);
    return value;
  };

  const followsRedirects = Object.keys(description.adapter.redirects ?? {}).length === 0;
  const defaultAccept = description.operations[description.defaultOperation]?.accept ?? "application/json";
  const fetchClient = createFetchClient<RawPaths<Paths>>({
    baseUrl,
    fetch: fetchImpl,
    // The spec's media type (Bentley's vendor type) is the default Accept of every request.
    headers: { Accept: defaultAccept, ...options.headers },
    // A redirect the spec maps to a state (Keycard's 303) is an answer in itself: never follow it.
    redirect: followsRedirects ? "follow" : "manual",
  });
  fetchClient.use({
    async onRequest({ request }) {
      const value = await resolveToken();
      if (description.auth.type === "bearer") request.headers.set("Authorization", `Bearer ${value}`);
      else request.headers.set(description.auth.name, value);
      return request;
    },
  });

  const customAccept = Object.keys(options.headers ?? {}).some((name) => name.toLowerCase() === "accept");
  const context: ReadContext = { description, baseUrl, timeoutMs, secrets, fetchClient, customAccept };
  const getOperation = async (
    params: PathParamValue | Readonly<Record<string, PathParamValue>>,
    readOptions: ReadOptions = {},
  ): Promise<OperationSnapshot> => {
    try {
      return await readOperation(context, params, readOptions);
    } catch (error) {
      // A token function may hand out a fresh token: ask it once more after a 401.
      if (error instanceof AuthError && error.status === 401 && typeof token === "function") {
        return readOperation(context, params, readOptions);
      }
      throw error;
    }
  };

  return Object.assign(fetchClient, { provider, baseUrl, description, getOperation });
}

interface ReadContext {
  description: ProviderDescription;
  baseUrl: string;
  timeoutMs: number;
  secrets: string[];
  /** The caller set its own Accept in `headers`: keep it. */
  customAccept: boolean;
  // biome-ignore lint/suspicious/noExplicitAny: the reader serves every provider's paths.
  fetchClient: Client<any>;
}

async function readOperation(
  context: ReadContext,
  params: PathParamValue | Readonly<Record<string, PathParamValue>>,
  options: ReadOptions,
): Promise<OperationSnapshot> {
  const { description, timeoutMs, secrets } = context;
  const provider = description.name;
  const operation = options.operation ?? description.defaultOperation;
  const endpoint = description.operations[operation];
  if (!endpoint) {
    throw new ValidationError(
      `${provider}: unknown operation "${operation}"; expected one of ${Object.keys(description.operations).join(", ")}.`,
      { provider },
    );
  }
  const values = validatePathParams(provider, endpoint.pathParams, toParamValues(provider, endpoint, params));
  if (options.signal?.aborted) throw abortError(provider, options.signal);

  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  const onAbort = () => controller.abort();
  options.signal?.addEventListener("abort", onAbort, { once: true });
  const headers: Record<string, string> = context.customAccept ? {} : { Accept: endpoint.accept };
  if (options.ifNoneMatch !== undefined && endpoint.conditional) headers["If-None-Match"] = options.ifNoneMatch;

  // The signal reaches fetch through the Request, but a Request's link to its init signal is held
  // weakly by undici and can be collected; racing on our own controller makes abort and timeout sure.
  const stopped = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")), {
      once: true,
    });
  });
  stopped.catch(() => undefined);

  let response: Response;
  let text: string | undefined;
  let body: unknown;
  let requestUrl = context.baseUrl;
  try {
    const result = await Promise.race([
      context.fetchClient.GET(expandPath(endpoint.path, values, endpoint.pathParams), {
        headers,
        signal: controller.signal,
        parseAs: "text",
        // Remembered to resolve a relative `Location` against, as RFC 9110 says.
        middleware: [
          {
            onRequest({ request }) {
              requestUrl = request.url;
            },
          },
        ],
      }),
      stopped,
    ]);
    response = result.response;
    // A 2xx arrives as text (parsed once below); openapi-fetch has already tried JSON on an error body.
    if (typeof result.data === "string") {
      text = result.data;
      body = parseJson(text);
    } else if (typeof result.error === "string") {
      text = result.error; // not JSON: kept for the error message
    } else {
      body = result.error;
    }
  } catch (error) {
    if (options.signal?.aborted) throw abortError(provider, options.signal);
    if (error instanceof ValidationError || error instanceof AuthError) throw error;
    const reason = timedOut
      ? `timed out after ${timeoutMs} ms`
      : error instanceof Error
        ? error.message
        : String(error);
    throw new NetworkError(
      `${provider}: request to ${context.baseUrl} failed (${reason}). Check the network and baseUrl.`,
      {
        provider,
        cause: error,
        secrets,
      },
    );
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }

  const retryAfter = readPushback(response.headers, response.status);
  const etag = response.headers.get("etag") ?? undefined;
  const base = { operation, params: values, httpStatus: response.status };
  const extras = { ...(etag === undefined ? {} : { etag }), ...(retryAfter === undefined ? {} : { retryAfter }) };

  if (response.status === 304) return { ...base, body: undefined, notModified: true, ...extras };
  if (response.type === "opaqueredirect") {
    // Browsers hide a manual redirect's status and Location. When the spec maps exactly one redirect
    // status to a state, the redirect itself is the answer; its target stays unknown.
    const [only, ...others] = Object.keys(description.adapter.redirects ?? {});
    if (only && others.length === 0) return { ...base, httpStatus: Number(only), body: undefined, notModified: false };
    throw new ResponseError(`${provider}: ${operation} redirected, and this runtime hides where to.`, {
      provider,
      secrets,
    });
  }
  if (response.status >= 300 && response.status < 400) {
    const location = response.headers.get("location");
    if (description.adapter.redirects?.[String(response.status)] && location) {
      return {
        ...base,
        body: undefined,
        notModified: false,
        location: new URL(location, response.url || requestUrl).href,
        ...extras,
      };
    }
    throw new ResponseError(`${provider}: unexpected redirect ${response.status} for ${operation}.`, {
      provider,
      status: response.status,
      secrets,
    });
  }
  if (response.ok) {
    if (body === undefined || body === null || typeof body !== "object") {
      throw new ResponseError(`${provider}: ${operation} answered ${response.status} without a JSON object body.`, {
        provider,
        status: response.status,
        secrets,
      });
    }
    return { ...base, body, notModified: false, ...extras };
  }
  throw errorFromResponse(description, response, body, text, retryAfter, secrets);
}

function toParamValues(
  provider: string,
  endpoint: PollOperationDescription,
  params: PathParamValue | Readonly<Record<string, PathParamValue>>,
): Readonly<Record<string, unknown>> {
  if (typeof params === "string" || typeof params === "number") {
    const [only, ...rest] = endpoint.pathParams;
    if (!only || rest.length > 0) {
      throw new ValidationError(
        `${provider}: this operation needs ${endpoint.pathParams.map((p) => p.name).join(" and ")}; pass an object.`,
        { provider },
      );
    }
    return { [only.name]: params };
  }
  if (params === null || typeof params !== "object") {
    throw new ValidationError(`${provider}: operation ids must be a string or an object of path parameters.`, {
      provider,
    });
  }
  return params;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function abortError(provider: string, signal: AbortSignal): AbortError {
  return new AbortError(`${provider}: aborted by the caller's signal.`, { provider, cause: signal.reason });
}

/** Maps an HTTP error answer to the typed error for its status, reading the spec's error body. */
export function errorFromResponse(
  description: ProviderDescription,
  response: Response,
  body: unknown,
  text: string | undefined,
  retryAfter: number | undefined,
  secrets: readonly string[],
): OpwatchError {
  const provider = description.name;
  const pointers = description.adapter.errorBody ?? {};
  const status = response.status;
  const code = readString(body, pointers.code);
  const message = readString(body, pointers.message) ?? (text && body === undefined ? text.slice(0, 200) : undefined);
  const requestId = readString(body, pointers.requestId) ?? response.headers.get("x-request-id") ?? undefined;
  const details = { provider, status, code, requestId, retryAfter, secrets };
  const said = `${description.displayName} answered ${status}${code ? ` ${code}` : ""}${message ? `: ${message}` : ""}`;
  if (status === 401 || status === 403) {
    return new AuthError(`${said}. Check that the token is valid, not expired, and has the required scope.`, details);
  }
  if (status === 404) return new NotFoundError(`${said}. Check the operation id and the base URL.`, details);
  if (status === 429) {
    const wait = retryAfter === undefined ? "Slow down" : `Wait ${retryAfter} s`;
    return new RateLimitError(`${said}. ${wait} before the next request.`, details);
  }
  if (status >= 500) return new ServerError(`${said}. The provider failed; try again later.`, details);
  return new ApiError(`${said}.`, details);
}
