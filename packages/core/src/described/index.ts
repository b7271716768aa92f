// `@opwatch/core/described`: a provider from a hand-written description, read at run time. The generated
// provider packages do not use this entry: their reading is compiled from the spec, so an app that polls
// them never bundles this interpreter.
import { basicHeader } from "../basic-auth.js";
import type { CompiledProvider, MatchedPath } from "../compiled.js";
import type { ProviderDescription } from "../description.js";
import { ValidationError } from "../errors.js";
import { mappedRedirects, stateInAnswer } from "../mapped-answers.js";
import type { ProviderClientOptions, ProviderModule } from "../provider.js";
import { segmentFiller } from "../segment-filler.js";
import { readRetryDelay } from "../shapes/retry-delay.js";
import { errorFieldsOf, missingStatusPointer } from "./answers.js";
import { knownBaseUrls, resolveBaseUrl, serverBaseUrls } from "./base-url.js";
import { expandPath, matchPath, validatePathParams } from "./params.js";
import { queryString, queryValues } from "./query.js";
import { stateOf, toOperationStatus } from "./status.js";

export { hostVariableOf, knownBaseUrls, resolveBaseUrl, serverBaseUrls } from "./base-url.js";
export { expandPath, matchPath, validatePathParams } from "./params.js";
export { type MappedState, stateOf, toOperationStatus } from "./status.js";

/**
 * A provider module built from a description at run time: what `register()`, `createOperationReader` and
 * `createProviderClient` take, reading the same way a generated package's compiled code does. For a
 * provider without a spec in this repository; a generated package (`@opwatch/ecl`) is smaller and faster.
 */
export function describedProvider<const D extends ProviderDescription>(
  description: D,
): ProviderModule<ProviderClientOptions<D>> {
  if (description === null || typeof description !== "object" || typeof description.endpoints !== "object") {
    throw new ValidationError(
      "describedProvider() takes a provider description: { name, displayName, servers, auth, defaultEndpoint, endpoints, adapter }.",
      {},
    );
  }
  const provider = description.name;
  const endpointOf = (name: string) => {
    const endpoint = Object.hasOwn(description.endpoints, name) ? description.endpoints[name] : undefined;
    if (!endpoint) {
      throw new ValidationError(
        `${provider}: unknown endpoint ${JSON.stringify(name)}; expected one of ${Object.keys(description.endpoints).join(", ")}.`,
        { provider },
      );
    }
    return endpoint;
  };
  // Each poll endpoint's multi-segment parameters, by path template (for the typed client's paths).
  const segments = Object.fromEntries(
    Object.values(description.endpoints)
      .map((endpoint) => [endpoint.path, endpoint.pathParams.filter((p) => p.multiSegment).map((p) => p.name)] as const)
      .filter(([, names]) => names.length > 0),
  );
  const decidedByRule = (body: unknown): boolean =>
    (description.adapter.status.when?.length ?? 0) > 0 &&
    stateOf(description.adapter.status, body, undefined).by !== undefined;
  const compiled: CompiledProvider = {
    description,
    checkParams: (endpoint, values) => {
      const described = endpointOf(endpoint);
      const path = validatePathParams(provider, described.pathParams, values);
      // Query values first: a body without an id falls back on the last value, the last path parameter.
      return described.queryParams === undefined ? path : { ...queryValues(provider, described, values), ...path };
    },
    pathOf: (endpoint, values) => {
      const described = endpointOf(endpoint);
      return expandPath(described.path, values, described.pathParams) + queryString(described, values);
    },
    matchPath(path): MatchedPath | undefined {
      for (const [endpoint, described] of Object.entries(description.endpoints)) {
        const params = matchPath(provider, described, path);
        if (params) return { endpoint, params };
      }
      return undefined;
    },
    decidedByRule,
    missingStatus: (body) => missingStatusPointer(description, decidedByRule, body),
    errorFields: (body) => errorFieldsOf(description, body),
    baseUrl: (given, variables) => resolveBaseUrl(description, given, variables),
    serverBaseUrls: (url, whole) => serverBaseUrls(description, url, whole),
    knownBaseUrls: knownBaseUrls(description),
    toStatus: (snapshot, baseUrl) => toOperationStatus(description, snapshot, baseUrl),
    ...(Object.keys(segments).length > 0 ? { fillSegments: segmentFiller(segments) } : {}),
    ...(description.auth.type === "basic" ? { basicAuth: basicHeader } : {}),
    redirectAnswer: mappedRedirects(Object.keys(description.adapter.redirects ?? {})),
    stateInAnswer: stateInAnswer(description.adapter.status.header, Object.keys(description.adapter.answers ?? {})),
    retryDelay: (body) => {
      const where = description.adapter.errorBody?.retryDelay;
      return where === undefined ? undefined : readRetryDelay(body, where);
    },
  };
  return { name: provider, ...compiled };
}
