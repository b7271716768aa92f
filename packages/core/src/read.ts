import type { CompiledProvider } from "./compiled.js";
import { type Cut, type Limits, withLimits } from "./deadline.js";
import type { ReadDescription, ReadEndpointDescription } from "./description.js";
import { AuthError, ValidationError } from "./errors.js";
import { networkError } from "./network.js";
import { type ClientOptions, type ClientSetup, requestSetup, setUpClient } from "./options.js";
import type { PathParamValue } from "./params.js";
import { followRedirects } from "./redirect.js";
import { type OperationSnapshot, toSnapshot } from "./snapshot.js";
import type { HttpAnswer } from "./transport.js";

/** Options of one read (`getOperation`): which endpoint, a conditional read, and when to stop. */
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
  /** The clock (epoch ms) that dates in the answer are judged by: a `Retry-After` HTTP date, a rate-limit
   * reset in epoch seconds. Default `Date.now`; a poller on a fake clock passes its own. */
  now?: () => number;
}

/** What every provider client has beside the typed HTTP methods: its provider, base URL, description and `getOperation`. */
export interface ProviderClientBase {
  readonly provider: string;
  readonly baseUrl: string;
  readonly description: ReadDescription;
  /** Reads one operation: validates the ids, sends one GET, turns error answers into typed errors. */
  getOperation(
    params: PathParamValue | Readonly<Record<string, PathParamValue>>,
    options?: ReadOptions,
  ): Promise<OperationSnapshot>;
}

/**
 * The lean reader of one provider: `getOperation` and nothing else, each read sent directly (no typed
 * client on the read path) with the `fetch` option, else on Node over `node:http`/`node:https`, else
 * with the global `fetch`. An option named like a server variable of the
 * spec (ECL's `region`) sets that variable. Throws a `ValidationError` on bad options, before any request.
 * @public
 */
export function createOperationReader(
  provider: CompiledProvider,
  options: ClientOptions & { readonly [serverVariable: string]: unknown },
): ProviderClientBase {
  return readerOf(provider, setUpClient(provider, options));
}

/** The reader over options already checked (shared with `createProviderClient`). @internal */
export function readerOf(provider: CompiledProvider, setup: ClientSetup): ProviderClientBase {
  const { description } = provider;
  const plans = new Map<string, ReadPlan>();
  // Not async: the checks throw here, turned into a rejection, and the read is withLimits' promise.
  const read = (params: ReadParams, options: ReadOptions = {}): Promise<OperationSnapshot> => {
    try {
      const name = options.endpoint ?? description.defaultEndpoint;
      let plan = plans.get(name);
      if (plan === undefined) {
        plan = planRead(description, setup, name);
        plans.set(name, plan);
      }
      return readOperation(provider, setup, plan, params, options);
    } catch (error) {
      return Promise.reject(error);
    }
  };
  // A token function may hand out a fresh token: ask it once more after a 401.
  const getOperation = setup.refreshable
    ? async (params: ReadParams, options?: ReadOptions): Promise<OperationSnapshot> => {
        try {
          return await read(params, options);
        } catch (error) {
          if (error instanceof AuthError && error.httpStatus === 401) return read(params, options);
          throw error;
        }
      }
    : read;
  return { provider: setup.provider, baseUrl: setup.baseUrl, description, getOperation };
}

type ReadParams = PathParamValue | Readonly<Record<string, PathParamValue>>;

/** What every read of one endpoint shares, worked out once per reader. */
interface ReadPlan {
  /** The endpoint's operationId. */
  readonly endpointName: string;
  readonly endpoint: ReadEndpointDescription;
  /** For messages: "read of getOperation". */
  readonly what: string;
  /** The names of its parameters: path, then query. */
  readonly names: readonly string[];
  /** Accept, the `headers` option and, for a fixed token, the auth header: copied for each request. */
  readonly headers: Readonly<Record<string, string>>;
  /** The last ids that passed the check: what they were given as, what they became, the URL. */
  last?: CheckedIds;
}

interface CheckedIds {
  readonly input: readonly unknown[];
  readonly values: Readonly<Record<string, PathParamValue>>;
  readonly url: string;
}

/**
 * Checks the ids against the endpoint's schema and expands its path. A poll reads the same ids again and
 * again, so the last ids that passed are remembered: the check is a pure function of them, and given the
 * same values (compared with ===, so only strings and numbers can match) it has the same outcome.
 */
function checkIds(
  provider: CompiledProvider,
  setup: ClientSetup,
  plan: ReadPlan,
  input: Readonly<Record<string, unknown>>,
): CheckedIds {
  const { names } = plan;
  const last = plan.last;
  if (last !== undefined) {
    let same = true;
    for (let i = 0; same && i < names.length; i++) same = input[names[i] as string] === last.input[i];
    if (same) return last;
  }
  // Path and required query parameters (`api-version`), checked together; the path carries both.
  const values = provider.checkParams(plan.endpointName, input);
  const url = setup.baseUrl + provider.pathOf(plan.endpointName, values);
  plan.last = { input: names.map((name) => input[name]), values, url };
  return plan.last;
}

function planRead(description: ReadDescription, setup: ClientSetup, endpointName: string): ReadPlan {
  const { provider } = setup;
  const endpoint = Object.hasOwn(description.endpoints, endpointName) ? description.endpoints[endpointName] : undefined;
  if (!endpoint) {
    throw new ValidationError(
      `${provider}: unknown endpoint ${JSON.stringify(endpointName)}; expected one of ${Object.keys(description.endpoints).join(", ")}.`,
      { provider },
    );
  }
  const headers: Record<string, string> = { accept: endpoint.accept, ...endpoint.headers, ...setup.headers };
  if (!setup.refreshable) headers[setup.authHeader] = setup.authValue() as string;
  const what = `read of ${endpointName}`;
  const names = [...endpoint.pathParams, ...(endpoint.queryParams ?? [])].map((param) => param.name);
  return { endpointName, endpoint, what, names, headers };
}

/**
 * One read: ids checked (throws), then one GET (plus same-origin redirects) under the read's limits, the
 * answer as a snapshot.
 */
function readOperation(
  compiled: CompiledProvider,
  setup: ClientSetup,
  plan: ReadPlan,
  params: ReadParams,
  options: ReadOptions,
): Promise<OperationSnapshot> {
  const { provider } = setup;
  const { endpoint, endpointName } = plan;
  const checked = checkIds(compiled, setup, plan, toParamValues(provider, endpoint, params));
  // A copy: the snapshot's params go out to the caller (status.ref.params), the checked ones stay here.
  const values = { ...checked.values };
  const { deadline, signal, ifNoneMatch } = options;
  if (deadline !== undefined && (typeof deadline !== "number" || Number.isNaN(deadline))) {
    throw new ValidationError(
      `${provider}: the deadline read option must be epoch milliseconds, got ${String(deadline)}.`,
      { provider },
    );
  }
  if (signal !== undefined && !isSignal(signal)) {
    throw new ValidationError(`${provider}: the signal read option must be an AbortSignal.`, { provider });
  }
  if (options.now !== undefined && typeof options.now !== "function") {
    throw new ValidationError(`${provider}: the now read option must be a function returning epoch milliseconds.`, {
      provider,
    });
  }
  const url = checked.url;
  const limits: Limits = { provider, what: plan.what, timeoutMs: setup.timeoutMs, deadline, signal };
  return withLimits(limits, async (cut) => {
    const headers: Record<string, string> = { ...plan.headers };
    // A token function's token: this request's errors mask it even if newer ones push it out of the list.
    let used = setup;
    if (setup.refreshable) {
      const value = await setup.authValue();
      headers[setup.authHeader] = value;
      used = requestSetup(setup, value);
    }
    const conditional = ifNoneMatch !== undefined && endpoint.conditional;
    if (conditional) headers["if-none-match"] = ifNoneMatch;
    let answer = { response: await send(used, url, headers, cut), url };
    const { status } = answer.response;
    if (status >= 300 && status < 400) {
      // A copy per request: a transport may add to the headers it is given.
      const resend = (target: string) => send(used, target, { ...headers }, cut);
      answer = await followRedirects(
        used,
        endpointName,
        answer,
        (code) => isAnswer(compiled.description, code),
        resend,
      );
    }
    const { response, url: answered } = answer;
    return toSnapshot(compiled, used, endpointName, values, response, answered, conditional, options.now);
  });
}

/** A status the spec maps to a state (Keycard's 303): an answer, not a redirect to follow. */
const isAnswer = (description: ReadDescription, status: number): boolean =>
  description.adapter.redirects?.[String(status)] !== undefined;

/** One GET by the client's transport (node:http or fetch); whatever fails is a `NetworkError`. */
async function send(setup: ClientSetup, url: string, headers: Record<string, string>, cut: Cut): Promise<HttpAnswer> {
  try {
    return await setup.transport(url, headers, cut);
  } catch (error) {
    throw networkError(setup, error);
  }
}

function toParamValues(
  provider: string,
  endpoint: ReadEndpointDescription,
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

/** An AbortSignal, or anything that works as one (another realm's, a polyfill's). @internal */
export const isSignal = (value: unknown): value is AbortSignal =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as AbortSignal).aborted === "boolean" &&
  typeof (value as AbortSignal).addEventListener === "function";
