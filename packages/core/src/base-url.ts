import type { ProviderDescription, ServerDescription, ServerVariableDescription } from "./description.js";
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
  const host = hostVariableOf(server);
  return server.url
    .replace(/\{([^}]+)\}/g, (_, name: string) => {
      const variable = server.variables?.[name];
      // A whole host name (an enterprise server's `https://{hostname}/api/v3`) is the user's to name: its
      // default is a placeholder, and no request goes to a host nobody configured.
      const value = name === host ? values[name] : (values[name] ?? variable?.default);
      if (value === undefined)
        throw new ValidationError(
          name === host
            ? `${provider}: pass the ${name} option (your server's host name, such as ${variable?.examples?.[0] ?? "api.example.com"}) or the baseUrl option: the spec's server ${server.url} has no host of its own.`
            : `${provider}: server variable "${name}" has no value, so pass the ${name} option.`,
          { provider },
        );
      const problem = variableProblem(name, variable, value, name === host);
      if (problem !== undefined) throw new ValidationError(`${provider}: ${problem}`, { provider });
      return value;
    })
    .replace(/\/+$/, "");
}

/** A DNS host name (letters, digits and hyphens in dot-separated labels), with an optional port. */
const HOST_NAME =
  /^(?=.{1,253}(:|$))[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*(?::(?:[1-9]\d{0,4}))?$/;

/** Why `value` cannot fill the server variable `name`, or undefined when it can. */
function variableProblem(
  name: string,
  variable: ServerVariableDescription | undefined,
  value: unknown,
  host: boolean,
): string | undefined {
  if (variable?.enum) {
    return typeof value === "string" && variable.enum.includes(value)
      ? undefined
      : `the option ${name} must be one of ${variable.enum.join(", ")}, got ${JSON.stringify(value)}.`;
  }
  const known = variable?.examples?.length ? ` (known: ${variable.examples.join(", ")})` : "";
  const pattern = variable?.pattern;
  if (host) {
    if (typeof value === "string" && HOST_NAME.test(value) && Number(value.split(":")[1] ?? 1) <= 65535) {
      if (pattern === undefined || new RegExp(pattern, "u").test(value)) return undefined;
    }
    return `${name} must be a host name such as api.example.com (a port may follow: host:8443)${pattern ? `, matching ${pattern}` : ""}, got ${JSON.stringify(value)}.`;
  }
  // An open variable (ECL's region) takes any value its pattern allows; a value that could change the
  // host (`.`, `/`, `@`, `:`, …) is refused even when the pattern forgot to.
  if (
    typeof value !== "string" ||
    /[^A-Za-z0-9_-]/.test(value) ||
    (pattern !== undefined && !new RegExp(pattern, "u").test(value))
  ) {
    return `${name} must match ${pattern ?? "[A-Za-z0-9_-]+"}${known}, got ${JSON.stringify(value)}.`;
  }
  return undefined;
}

/** The variable that is a server URL's whole host (`https://{hostname}/api/v3`), if one is. @internal */
export function hostVariableOf(server: ServerDescription): string | undefined {
  return /^(?:[A-Za-z][A-Za-z0-9+.-]*|\{[^}]+\}):\/\/\{([^}]+)\}(?=[:/]|$)/.exec(server.url)?.[1];
}

/**
 * Whether `baseUrl` is one of the spec's servers: each variable filled with a value it allows (an open
 * variable with any value its pattern allows, ECL's new regions too). A server whose host is a variable
 * matches nothing here: only the host the user configured is ever sent credentials. @internal
 */
export function isServerUrl(description: ProviderDescription, baseUrl: string): boolean {
  return description.servers.some((server) => serverPrefix(server, baseUrl.replace(/\/+$/, ""), true) !== undefined);
}

/**
 * The part of `url` that the server template fills (its base URL), or undefined: with `whole`, the
 * entire URL must be it; else it must be followed by `/` or the end.
 */
function serverPrefix(server: ServerDescription, url: string, whole: boolean): string | undefined {
  if (hostVariableOf(server) !== undefined) return undefined;
  const names: string[] = [];
  const source = server.url
    .replace(/\/+$/, "")
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^$()|[\]\\{}]/g, "\\$&");
      names.push(name);
      return "([A-Za-z0-9_-]+)";
    })
    .join("");
  const match = new RegExp(`^${source}${whole ? "$" : "(?=/|$)"}`).exec(url);
  if (!match) return undefined;
  const ok = names.every((name, i) => {
    const value = match[i + 1] ?? "";
    const variable = server.variables?.[name];
    if (variable === undefined) return false;
    if (!variable.enum && !variable.pattern) return value === variable.default || variable.examples?.includes(value);
    return variableProblem(name, variable, value, false) === undefined;
  });
  return ok ? match[0] : undefined;
}

/** The base URLs of the spec's servers that `url` sits under (its own prefix, variables filled from it). @internal */
export function serverBaseUrlsOf(description: ProviderDescription, url: string): string[] {
  const found: string[] = [];
  for (const server of description.servers) {
    const prefix = serverPrefix(server, url, false);
    if (prefix !== undefined) found.push(prefix);
  }
  return found;
}

/** Every concrete base URL a spec's servers allow (each variable expanded over its enum). @internal */
export function knownBaseUrls(description: ProviderDescription): string[] {
  const urls: string[] = [];
  for (const server of description.servers) {
    if (hostVariableOf(server) !== undefined) continue; // no host of its own: only a configured one
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
