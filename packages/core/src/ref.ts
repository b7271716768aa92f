import { isHttpUrl, knownBaseUrls, serverBaseUrlsOf } from "./base-url.js";
import type { PollEndpointDescription, ProviderDescription } from "./description.js";
import { ValidationError } from "./errors.js";
import { validatePathParams } from "./params.js";
import { queryValues } from "./query.js";
import type { OperationRef } from "./status.js";

/**
 * Parses a status URL (SourceCraft's `status_url`, Bentley's `operationLocation` href, an ECL
 * operation URL, a Keycard task URL) into a ref. The URL must sit under one of the spec's servers or
 * one of `baseUrls` (hosts the caller configured), and its path must match a poll endpoint.
 * Returns `undefined` when it does not belong to this provider.
 */
export function refFromUrl(
  description: ProviderDescription,
  url: string,
  baseUrls: readonly string[] = [],
): OperationRef | undefined {
  if (!isHttpUrl(url)) return undefined;
  const target = new URL(url);
  const candidates = [
    ...baseUrls.map((base) => base.replace(/\/+$/, "")),
    ...knownBaseUrls(description),
    // A server's open variable with a value its pattern allows (a region not listed yet).
    ...serverBaseUrlsOf(description, `${target.origin}${target.pathname}`),
  ];
  for (const baseUrl of candidates) {
    if (!isHttpUrl(baseUrl)) continue;
    const base = new URL(baseUrl);
    if (base.origin !== target.origin) continue;
    const basePath = base.pathname.replace(/\/+$/, "");
    if (!target.pathname.startsWith(`${basePath}/`)) continue;
    const rest = target.pathname.slice(basePath.length);
    for (const [endpoint, described] of Object.entries(description.endpoints)) {
      const matched = matchPath(description.name, described, rest);
      if (matched) {
        // What `get()` would refuse is refused here, with the same error; integer ids become numbers.
        const params = { ...matched, ...validatePathParams(description.name, described.pathParams, matched) };
        if (described.queryParams === undefined) return { provider: description.name, endpoint, params, baseUrl };
        // Its required query parameters (`?api-version=…`) name the operation too: kept, else the spec's default.
        const given: Record<string, string> = {};
        for (const param of described.queryParams) {
          const value = target.searchParams.get(param.name);
          if (value !== null) given[param.name] = value;
        }
        const query = queryValues(description.name, described, given);
        return { provider: description.name, endpoint, params: { ...query, ...params }, baseUrl };
      }
    }
  }
  return undefined;
}

function matchPath(
  provider: string,
  endpoint: PollEndpointDescription,
  pathname: string,
): Record<string, string> | undefined {
  const names: string[] = [];
  const source = endpoint.path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
      names.push(name);
      // A multi-segment parameter (Google's `projects/p/operations/o`) spans slashes.
      return endpoint.pathParams.some((p) => p.name === name && p.multiSegment) ? "(.+?)" : "([^/]+)";
    })
    .join("");
  const match = new RegExp(`^${source}/?$`).exec(pathname);
  if (!match) return undefined;
  const params: Record<string, string> = {};
  names.forEach((name, index) => {
    const raw = match[index + 1] ?? "";
    try {
      params[name] = decodeURIComponent(raw);
    } catch {
      throw new ValidationError(
        `${provider}: path parameter "${name}" of the status URL is not valid percent-encoding, got ${JSON.stringify(raw)}.`,
        { provider },
      );
    }
  });
  return params;
}

/**
 * Checks that a value read from JSON (a file, another process) is a usable ref. Given the provider's
 * `description`, it also checks what `getOperation` would: a known endpoint and valid path parameters
 * (the same `ValidationError`), so a bad ref is refused before any request.
 */
export function assertRef(value: unknown, description?: ProviderDescription): asserts value is OperationRef {
  const ref = value as Partial<OperationRef> | null;
  const ok =
    ref !== null &&
    typeof ref === "object" &&
    typeof ref.provider === "string" &&
    typeof ref.endpoint === "string" &&
    typeof ref.baseUrl === "string" &&
    isHttpUrl(ref.baseUrl) &&
    ref.params !== null &&
    typeof ref.params === "object" &&
    Object.values(ref.params).every((v) => typeof v === "string" || (typeof v === "number" && Number.isFinite(v)));
  if (!ok) {
    throw new ValidationError(
      'A ref must be plain JSON like {"provider":"sourcecraft","endpoint":"getSecretOperation","params":{"operation_id":"…"},"baseUrl":"https://…"}.',
      {},
    );
  }
  if (description === undefined) return;
  checkRef(value as OperationRef, description);
}

function checkRef(ref: OperationRef, description: ProviderDescription): void {
  const provider = description.name;
  if (ref.provider !== provider) {
    throw new ValidationError(`${provider}: the ref names provider ${JSON.stringify(ref.provider)}, not ${provider}.`, {
      provider,
    });
  }
  const endpoint = description.endpoints[ref.endpoint];
  if (!endpoint) {
    throw new ValidationError(`${provider}: unknown endpoint "${ref.endpoint}" in ref.`, { provider });
  }
  validatePathParams(provider, endpoint.pathParams, ref.params);
  queryValues(provider, endpoint, ref.params);
}

/** The error for a status URL that belongs to none of `providers`: it names them and says what to pass instead. */
export function refUnrecognized(url: string, providers: readonly string[]): ValidationError {
  return new ValidationError(
    `${JSON.stringify(url)} is not a status URL of ${providers.length ? providers.join(", ") : "any registered provider"}, ` +
      "so pass the URL of an operation under a known or configured base URL, or a ref object.",
    {},
  );
}
