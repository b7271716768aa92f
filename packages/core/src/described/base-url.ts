// The servers of a description read at run time: the interpreter behind `describedProvider`. The generated
// providers write the same reading out as code (scripts/generator/compile/servers.mjs).
import type { ProviderDescription, ServerDescription } from "../description.js";
import {
  enumVariable,
  givenBaseUrl,
  hostVariable,
  noServer,
  noValue,
  openValueFits,
  openVariable,
} from "../server-checks.js";

/**
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
  const server = description.servers[0];
  if (baseUrl !== undefined) return givenBaseUrl(provider, baseUrl, server?.url ?? "https://api.example.com");
  if (!server) return noServer(provider);
  const host = hostVariableOf(server);
  return server.url
    .replace(/\{([^}]+)\}/g, (_, name: string) => {
      const variable = server.variables?.[name];
      if (name === host) {
        const example = variable?.examples?.[0] ?? "api.example.com";
        return hostVariable(provider, name, variables[name], variable?.pattern, example, server.url);
      }
      const value = variables[name] ?? variable?.default;
      if (value === undefined) return noValue(provider, name);
      if (variable?.enum) return enumVariable(provider, name, value, variable.enum);
      return openVariable(provider, name, value, variable?.pattern, variable?.examples);
    })
    .replace(/\/+$/, "");
}

/** The variable that is a server URL's whole host (`https://{hostname}/api/v3`), if one is. */
export function hostVariableOf(server: ServerDescription): string | undefined {
  return /^(?:[A-Za-z][A-Za-z0-9+.-]*|\{[^}]+\}):\/\/\{([^}]+)\}(?=[:/]|$)/.exec(server.url)?.[1];
}

/**
 * The base URLs of the spec's servers that `url` sits under (with `whole`, that it is): each variable
 * filled with a value it allows (an open variable with any value its pattern allows). A server whose host
 * is a variable matches nothing: only the host the user configured is ever sent credentials.
 */
export function serverBaseUrls(description: ProviderDescription, url: string, whole: boolean): string[] {
  const found: string[] = [];
  for (const server of description.servers) {
    if (hostVariableOf(server) !== undefined) continue;
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
    if (!match) continue;
    const ok = names.every((name, i) => {
      const value = match[i + 1] ?? "";
      const variable = server.variables?.[name];
      if (variable === undefined) return false;
      if (variable.enum) return variable.enum.includes(value);
      if (!variable.pattern) return value === variable.default || (variable.examples?.includes(value) ?? false);
      return openValueFits(value, variable.pattern);
    });
    if (ok) found.push(match[0]);
  }
  return found;
}

/** Every concrete base URL a spec's servers allow (each variable expanded over its enum, or default and examples). */
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
