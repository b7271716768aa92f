import { isHttpUrl } from "./base-url.js";
import type { CompiledProvider } from "./compiled.js";
import { ValidationError } from "./errors.js";
import type { OperationRef } from "./status.js";

/**
 * Parses a status URL (SourceCraft's `status_url`, Bentley's `operationLocation` href, an ECL
 * operation URL, a Keycard task URL) into a ref. The URL must sit under one of the spec's servers or
 * one of `baseUrls` (hosts the caller configured), and its path must match a poll endpoint.
 * Returns `undefined` when it does not belong to this provider.
 */
export function refFromUrl(
  provider: CompiledProvider,
  url: string,
  baseUrls: readonly string[] = [],
): OperationRef | undefined {
  if (!isHttpUrl(url)) return undefined;
  const { description } = provider;
  const target = new URL(url);
  const candidates = [
    ...baseUrls.map((base) => base.replace(/\/+$/, "")),
    ...provider.knownBaseUrls,
    // A server's open variable with a value its pattern allows (a region not listed yet).
    ...provider.serverBaseUrls(`${target.origin}${target.pathname}`, false),
  ];
  for (const baseUrl of candidates) {
    if (!isHttpUrl(baseUrl)) continue;
    const base = new URL(baseUrl);
    if (base.origin !== target.origin) continue;
    const basePath = base.pathname.replace(/\/+$/, "");
    if (!target.pathname.startsWith(`${basePath}/`)) continue;
    const matched = provider.matchPath(target.pathname.slice(basePath.length));
    if (matched) {
      // What `get()` would refuse is refused here, with the same error; integer ids become numbers.
      const { endpoint } = matched;
      const params = { ...matched.params, ...provider.checkParams(endpoint, matched.params) };
      const described = description.endpoints[endpoint];
      if (described?.queryParams === undefined || provider.checkQuery === undefined) {
        return { provider: description.name, endpoint, params, baseUrl };
      }
      // Its required query parameters (`?api-version=…`) name the operation too: kept, else the spec's default.
      const given: Record<string, string> = {};
      for (const param of described.queryParams) {
        const value = target.searchParams.get(param.name);
        if (value !== null) given[param.name] = value;
      }
      const query = provider.checkQuery(endpoint, given);
      return { provider: description.name, endpoint, params: { ...query, ...params }, baseUrl };
    }
  }
  return undefined;
}

/**
 * Checks that a value read from JSON (a file, another process) is a usable ref. Given the provider's
 * compiled `provider`, it also checks what `getOperation` would: a known endpoint and valid path parameters
 * (the same `ValidationError`), so a bad ref is refused before any request.
 */
export function assertRef(value: unknown, provider?: CompiledProvider): asserts value is OperationRef {
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
  if (provider === undefined) return;
  checkRef(value as OperationRef, provider);
}

function checkRef(ref: OperationRef, compiled: CompiledProvider): void {
  const provider = compiled.description.name;
  if (ref.provider !== provider) {
    throw new ValidationError(`${provider}: the ref names provider ${JSON.stringify(ref.provider)}, not ${provider}.`, {
      provider,
    });
  }
  if (!Object.hasOwn(compiled.description.endpoints, ref.endpoint)) {
    throw new ValidationError(`${provider}: unknown endpoint "${ref.endpoint}" in ref.`, { provider });
  }
  compiled.checkParams(ref.endpoint, ref.params);
  if (compiled.description.endpoints[ref.endpoint]?.queryParams !== undefined) {
    compiled.checkQuery?.(ref.endpoint, ref.params);
  }
}

/** Whether `baseUrl` is one of the spec's servers, each variable filled with a value it allows. */
export function isServerUrl(provider: CompiledProvider, baseUrl: string): boolean {
  return provider.serverBaseUrls(baseUrl.replace(/\/+$/, ""), true).length > 0;
}

/** The error for a status URL that belongs to none of `providers`: it names them and says what to pass instead. */
export function refUnrecognized(url: string, providers: readonly string[]): ValidationError {
  return new ValidationError(
    `${JSON.stringify(url)} is not a status URL of ${providers.length ? providers.join(", ") : "any registered provider"}, ` +
      "so pass the URL of an operation under a known or configured base URL, or a ref object.",
    {},
  );
}
