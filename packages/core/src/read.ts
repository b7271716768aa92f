import { withLimits } from "./deadline.js";
import type { PollEndpointDescription, ProviderDescription } from "./description.js";
import { AuthError, NetworkError, OpwatchError, ValidationError } from "./errors.js";
import { type ClientOptions, type ClientSetup, setUpClient } from "./options.js";
import { expandPath, type PathParamValue, validatePathParams } from "./params.js";
import { followRedirects } from "./redirect.js";
import { type OperationSnapshot, toSnapshot } from "./snapshot.js";

export interface ReadOptions<Endpoint extends string = string> {
  /** Which of the provider's poll endpoints to read, by operationId (defaults to the spec's first). */
  endpoint?: Endpoint;
  /** ETag from an earlier read: a provider with conditional reads answers 304 when nothing changed. */
  ifNoneMatch?: string;
  signal?: AbortSignal;
  /**
   * Epoch ms at which the read is cut (the request aborted): it then rejects with a `TimeoutError`,
   * which is not retryable. The `timeoutMs` option still bounds each request on its own.
   */
  deadline?: number;
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
 * The lean reader of one provider: `getOperation` and nothing else, each read sent with the injected
 * `fetch` directly (no typed client on the read path). An option named like a server variable of the
 * spec (ECL's `region`) sets that variable. Throws a `ValidationError` on bad options, before any request.
 * @public
 */
export function createOperationReader(
  description: ProviderDescription,
  options: ClientOptions & { readonly [serverVariable: string]: unknown },
): ProviderClientBase {
  return readerOf(description, setUpClient(description, options));
}

/** The reader over options already checked (shared with `createProviderClient`). @internal */
export function readerOf(description: ProviderDescription, setup: ClientSetup): ProviderClientBase {
  const isAnswer = (status: number) => description.adapter.redirects?.[String(status)] !== undefined;
  const getOperation = async (
    params: PathParamValue | Readonly<Record<string, PathParamValue>>,
    options: ReadOptions = {},
  ): Promise<OperationSnapshot> => {
    try {
      return await readOperation(description, setup, isAnswer, params, options);
    } catch (error) {
      // A token function may hand out a fresh token: ask it once more after a 401.
      if (setup.refreshable && error instanceof AuthError && error.httpStatus === 401) {
        return readOperation(description, setup, isAnswer, params, options);
      }
      throw error;
    }
  };
  return { provider: setup.provider, baseUrl: setup.baseUrl, description, getOperation };
}

async function readOperation(
  description: ProviderDescription,
  setup: ClientSetup,
  isAnswer: (status: number) => boolean,
  params: PathParamValue | Readonly<Record<string, PathParamValue>>,
  options: ReadOptions,
): Promise<OperationSnapshot> {
  const { provider } = setup;
  const endpointName = options.endpoint ?? description.defaultEndpoint;
  const endpoint = description.endpoints[endpointName];
  if (!endpoint) {
    throw new ValidationError(
      `${provider}: unknown endpoint ${JSON.stringify(endpointName)}; expected one of ${Object.keys(description.endpoints).join(", ")}.`,
      { provider },
    );
  }
  const values = validatePathParams(provider, endpoint.pathParams, toParamValues(provider, endpoint, params));
  const { deadline } = options;
  if (deadline !== undefined && (typeof deadline !== "number" || Number.isNaN(deadline))) {
    throw new ValidationError(
      `${provider}: the deadline read option must be epoch milliseconds, got ${String(deadline)}.`,
      {
        provider,
      },
    );
  }
  const url = setup.baseUrl + expandPath(endpoint.path, values, endpoint.pathParams);
  const limits = {
    provider,
    what: `read of ${endpointName}`,
    timeoutMs: setup.timeoutMs,
    deadline,
    signal: options.signal,
  };
  return withLimits(limits, async (signal) => {
    const headers: Record<string, string> = { accept: endpoint.accept, ...setup.headers };
    headers[setup.authHeader] = await setup.authValue();
    if (options.ifNoneMatch !== undefined && endpoint.conditional) headers["if-none-match"] = options.ifNoneMatch;
    const send = (target: string) =>
      setup.fetch(target, { method: "GET", headers, redirect: "manual", signal }).catch((error: unknown) => {
        throw networkError(setup, error);
      });
    let answer = { response: await send(url), url };
    const { status } = answer.response;
    if (status >= 300 && status < 400) answer = await followRedirects(setup, endpointName, answer, isAnswer, send);
    return toSnapshot(
      description,
      setup,
      endpointName,
      values,
      answer.response,
      answer.url,
      (response) =>
        response.text().catch((error: unknown) => {
          throw networkError(setup, error);
        }),
      headers["if-none-match"] !== undefined,
    );
  });
}

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

function toParamValues(
  provider: string,
  endpoint: PollEndpointDescription,
  params: PathParamValue | Readonly<Record<string, PathParamValue>>,
): Readonly<Record<string, unknown>> {
  if (typeof params === "string" || typeof params === "number") {
    const [only, ...rest] = endpoint.pathParams;
    if (!only || rest.length > 0) {
      throw new ValidationError(
        `${provider}: this endpoint needs ${endpoint.pathParams.map((p) => p.name).join(" and ")}, so pass an object.`,
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
