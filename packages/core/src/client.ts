import createFetchClient, { type Client, defaultPathSerializer } from "openapi-fetch";
import { limitResponse } from "./body.js";
import type { CompiledProvider } from "./compiled.js";
import { NetworkError, ResponseError } from "./errors.js";
import { networkError } from "./network.js";
import { type ClientOptions, requestSetup, setUpClient } from "./options.js";
import { type ProviderClientBase, readerOf } from "./read.js";
import { followRedirects } from "./redirect.js";

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

/** A provider client: openapi-fetch's typed `GET`, `POST`… for every path of the spec, and {@link ProviderClientBase}. */
export type ProviderClient<Paths extends {}> = Client<RawPaths<Paths>> & ProviderClientBase;

/**
 * Builds the typed openapi-fetch client of one provider plus its operation reader (what each generated
 * `createClient` calls). Its requests obey the same redirect rule as the reader: nothing is ever sent to
 * an origin other than the base URL's.
 */
export function createProviderClient<Paths extends {}>(
  provider: CompiledProvider,
  options: ClientOptions,
): ProviderClient<Paths> {
  const { description } = provider;
  const setup = setUpClient(provider, options);
  const isAnswer = (status: number) => description.adapter.redirects?.[String(status)] !== undefined;
  // Sent with redirect "manual"; a same-origin redirect of a GET is followed here, by hand.
  // Each request is cut after the timeoutMs option (its body included), as getOperation's are.
  const guarded: typeof fetch = async (input, init) => {
    const asked = new Request(input, { ...init, redirect: "manual" });
    const timeout = AbortSignal.timeout(setup.timeoutMs);
    const request = new Request(asked, { signal: eitherSignal(asked.signal, timeout) });
    const used = setup.refreshable ? requestSetup(setup, request.headers.get(setup.authHeader)) : setup;
    const send = (url: string) =>
      setup.fetch(url === request.url ? request : new Request(url, request)).catch((error: unknown) => {
        if (timeout.aborted && !asked.signal.aborted) {
          throw new NetworkError(
            `${setup.provider}: the ${request.method} ${request.url} timed out after ${setup.timeoutMs} ms, so check the network or raise the timeoutMs option.`,
            { provider: setup.provider, cause: error, secrets: used.secrets },
          );
        }
        throw networkError(used, error);
      });
    const resend = request.method === "GET" || request.method === "HEAD" ? send : undefined;
    const what = `${request.method} ${request.url}`;
    const first = { response: await send(request.url), url: request.url };
    const answer = (await followRedirects(used, what, first, isAnswer, resend)).response;
    // Its body is read by openapi-fetch: counted as it streams, cut past the maxBodyBytes option.
    const limit = setup.maxBodyBytes;
    return limitResponse(
      answer,
      limit,
      () =>
        new ResponseError(
          `${setup.provider}: the ${what} answered ${answer.status} with a body over ${limit} bytes (the maxBodyBytes option), so opwatch stopped reading it; check the baseUrl option, or raise maxBodyBytes if this provider's answers are that large.`,
          { provider: setup.provider, httpStatus: answer.status, secrets: used.secrets },
        ),
    );
  };
  const fill = provider.fillSegments;
  const fetchClient = createFetchClient<RawPaths<Paths>>({
    baseUrl: setup.baseUrl,
    fetch: guarded,
    // A poll endpoint's multi-segment parameter keeps its slashes, as getOperation sends it (only a spec with
    // one has `fillSegments`).
    pathSerializer: fill ? (url, params) => defaultPathSerializer(fill(url, params), params) : defaultPathSerializer,
    // The spec's media type (Bentley's vendor type) is the default Accept of every request.
    // …and the header values the poll endpoints require (Anthropic's `anthropic-version`).
    headers: {
      Accept: description.endpoints[description.defaultEndpoint]?.accept ?? "application/json",
      ...Object.assign({}, ...Object.values(description.endpoints).map((endpoint) => endpoint.headers)),
      ...setup.headers,
    },
  });
  fetchClient.use({
    async onRequest({ request }) {
      request.headers.set(setup.authHeader, await setup.authValue());
      return request;
    },
  });
  return Object.assign(fetchClient, readerOf(provider, setup));
}

/**
 * A signal that aborts when either does: `AbortSignal.any` where the runtime has it (Node 20, Chrome 116,
 * Safari 17.4, Firefox 124), else by hand, so typed calls still work in older browsers.
 */
function eitherSignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  if (typeof AbortSignal.any === "function") return AbortSignal.any([a, b]);
  const either = new AbortController();
  for (const signal of [a, b]) {
    if (signal.aborted) either.abort(signal.reason);
    else signal.addEventListener("abort", () => either.abort(signal.reason), { once: true });
  }
  return either.signal;
}
