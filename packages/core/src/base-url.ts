import type { ProviderDescription, ServerDescription } from "./description.js";
import { ValidationError } from "./errors.js";

/**
 * @internal
 * The base URL requests go to: an explicit `baseUrl`, else the spec's first server with its variables
 * (ECL's `region`) filled in from `variables` or their defaults. Throws before any request when the
 * URL is not absolute http(s) or a variable is not one of its documented values.
 */
export function resolveBaseUrl(
  description: ProviderDescription,
  baseUrl: string | undefined,
  variables: Readonly<Record<string, string | undefined>> = {},
): string {
  const provider = description.name;
  if (baseUrl !== undefined) {
    if (typeof baseUrl !== "string" || !isHttpUrl(baseUrl)) {
      throw new ValidationError(
        `${provider}: the baseUrl option must be an absolute http(s) URL such as ${description.servers[0]?.url ?? "https://api.example.com"}, got ${JSON.stringify(baseUrl)}.`,
        { provider },
      );
    }
    return baseUrl.replace(/\/+$/, "");
  }
  const server = description.servers[0];
  if (!server)
    throw new ValidationError(`${provider}: the spec names no server, so pass the baseUrl option.`, { provider });
  return fillServerUrl(provider, server, variables);
}

function fillServerUrl(
  provider: string,
  server: ServerDescription,
  values: Readonly<Record<string, string | undefined>>,
): string {
  return server.url
    .replace(/\{([^}]+)\}/g, (_, name: string) => {
      const variable = server.variables?.[name];
      const value = values[name] ?? variable?.default;
      if (value === undefined)
        throw new ValidationError(`${provider}: server variable "${name}" has no value, so pass the ${name} option.`, {
          provider,
        });
      if (variable?.enum && !variable.enum.includes(value)) {
        throw new ValidationError(
          `${provider}: the option ${name} must be one of ${variable.enum.join(", ")}, got ${JSON.stringify(value)}.`,
          { provider },
        );
      }
      // An open variable (ECL's region) takes any value its pattern allows; a value that could change the
      // host (`.`, `/`, `@`, `:`, …) is refused even when the pattern forgot to.
      if (
        typeof value !== "string" ||
        /[^A-Za-z0-9_-]/.test(value) ||
        (variable?.pattern !== undefined && !new RegExp(variable.pattern, "u").test(value))
      ) {
        const known = variable?.examples?.length ? ` (known: ${variable.examples.join(", ")})` : "";
        throw new ValidationError(
          `${provider}: ${name} must match ${variable?.pattern ?? "[A-Za-z0-9_-]+"}${known}, got ${JSON.stringify(value)}.`,
          { provider },
        );
      }
      return value;
    })
    .replace(/\/+$/, "");
}

/** Every concrete base URL a spec's servers allow (each variable expanded over its enum). @internal */
export function knownBaseUrls(description: ProviderDescription): string[] {
  const urls: string[] = [];
  for (const server of description.servers) {
    let partial = [server.url];
    for (const [name, variable] of Object.entries(server.variables ?? {})) {
      const values = variable.enum ?? [...new Set([variable.default, ...(variable.examples ?? [])])];
      partial = partial.flatMap((url) => values.map((value) => url.replaceAll(`{${name}}`, value)));
    }
    urls.push(...partial.map((url) => url.replace(/\/+$/, "")));
  }
  return urls;
}

/** @internal */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "https:" || url.protocol === "http:";
  } catch {
    return false;
  }
}
