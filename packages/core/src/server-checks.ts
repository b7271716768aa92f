// The checks of a base URL and of server variables' values, shared by the generated providers' `baseUrl`
// and the description interpreter (`@opwatch/core/described`), so both refuse a value with the same message.
// @internal
import { isHttpUrl } from "./base-url.js";
import { ValidationError } from "./errors.js";

/** The `baseUrl` option, checked: an absolute http(s) URL, its trailing slashes dropped. @internal */
export function givenBaseUrl(provider: string, baseUrl: unknown, example: string): string {
  if (typeof baseUrl !== "string" || !isHttpUrl(baseUrl)) {
    throw new ValidationError(
      `${provider}: the baseUrl option must be an absolute http(s) URL such as ${example}, got ${JSON.stringify(baseUrl)}.`,
      { provider },
    );
  }
  return baseUrl.replace(/\/+$/, "");
}

/** The error of a spec without servers when no baseUrl option is given. @internal */
export function noServer(provider: string): never {
  throw new ValidationError(`${provider}: the spec names no server, so pass the baseUrl option.`, { provider });
}

/** The error of a server variable without a value (no option, no default). @internal */
export function noValue(provider: string, name: string): never {
  throw new ValidationError(`${provider}: server variable "${name}" has no value, so pass the ${name} option.`, {
    provider,
  });
}

/** A closed server variable's value: one of `values`. @internal */
export function enumVariable(provider: string, name: string, value: unknown, values: readonly string[]): string {
  if (typeof value === "string" && values.includes(value)) return value;
  throw new ValidationError(
    `${provider}: the option ${name} must be one of ${values.join(", ")}, got ${JSON.stringify(value)}.`,
    { provider },
  );
}

/**
 * An open server variable's value (ECL's region): any value `pattern` allows; a value that could change the
 * host (`.`, `/`, `@`, `:`, …) is refused even when the pattern forgot to. `examples` name the known values.
 * @internal
 */
export function openVariable(
  provider: string,
  name: string,
  value: unknown,
  pattern: string | undefined,
  examples: readonly string[] = [],
): string {
  if (typeof value === "string" && openValueFits(value, pattern)) return value;
  const known = examples.length ? ` (known: ${examples.join(", ")})` : "";
  throw new ValidationError(
    `${provider}: ${name} must match ${pattern ?? "[A-Za-z0-9_-]+"}${known}, got ${JSON.stringify(value)}.`,
    { provider },
  );
}

/** Whether a value fits an open server variable: URL-safe letters, digits, `_` and `-`, and its pattern. @internal */
export const openValueFits = (value: string, pattern: string | undefined): boolean =>
  !/[^A-Za-z0-9_-]/.test(value) && (pattern === undefined || new RegExp(pattern, "u").test(value));

/** A DNS host name (letters, digits and hyphens in dot-separated labels), with an optional port. */
const HOST_NAME =
  /^(?=.{1,253}(:|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::(?:[1-9]\d{0,4}))?$/;

/**
 * A server variable that is the URL's whole host (an enterprise server's `https://{hostname}/api/v3`): the
 * user's to name, never defaulted, so no request goes to a host nobody configured. @internal
 */
export function hostVariable(
  provider: string,
  name: string,
  value: unknown,
  pattern: string | undefined,
  example: string,
  serverUrl: string,
): string {
  if (value === undefined) {
    throw new ValidationError(
      `${provider}: pass the ${name} option (your server's host name, such as ${example}) or the baseUrl option: the spec's server ${serverUrl} has no host of its own.`,
      { provider },
    );
  }
  if (typeof value === "string" && HOST_NAME.test(value) && Number(value.split(":")[1] ?? 1) <= 65535) {
    if (pattern === undefined || new RegExp(pattern, "u").test(value)) return value;
  }
  throw new ValidationError(
    `${provider}: ${name} must be a host name such as api.example.com (a port may follow: host:8443)${pattern ? `, matching ${pattern}` : ""}, got ${JSON.stringify(value)}.`,
    { provider },
  );
}
