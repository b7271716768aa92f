import { redact, redactDeep } from "@opwatch/core";
import { AuthError, createWatcher, type ProviderRegistration, register, ValidationError, type Watcher } from "opwatch";
import { debugFetch } from "./debug-fetch.js";
import type { CliIo } from "./io.js";
import { type CliProvider, cliProviders } from "./providers.js";

/** The environment the CLI reads: `process.env`, or any map of variable names to values (tests). */
export type Env = Readonly<Record<string, string | undefined>>;

/** What the command line adds to the environment when a watcher is made: `--base-url` and server-variable flags. */
export interface WatcherSettings {
  /** `--base-url p=URL`, by provider name; else `<NAME>_BASE_URL`. */
  baseUrls?: Readonly<Record<string, string>>;
  /** Server-variable flags (`--region`), by flag attribute (`region`); else `<NAME>_<VAR>`. */
  variables?: Readonly<Record<string, string | undefined>>;
  /** Where `--debug` prints its one line per request; no debug output when absent. */
  debug?: ((line: string) => void) | undefined;
  /** The `fetch` the clients use instead of the global one (tests). */
  fetch?: typeof globalThis.fetch;
  /** `--max-body-bytes`: the clients' `maxBodyBytes` option. */
  maxBodyBytes?: number;
}

/** The base URL configured for a provider (`--base-url` first, then `<NAME>_BASE_URL`), if any. */
export function configuredBaseUrl(p: CliProvider, env: Env, settings: WatcherSettings): string | undefined {
  return settings.baseUrls?.[p.name] ?? (env[p.baseUrlVar] || undefined);
}

/**
 * `value` (a status, an event) with every provider token of the environment masked in its strings: a server
 * may echo a token into an operation's status (its failure message), and the CLI prints statuses.
 */
export function withoutTokens<T>(value: T, env: Env): T {
  return redactDeep(value, envTokens(env));
}

/**
 * `io` whose every line has the environment's provider tokens masked, as written and as JSON escapes them:
 * the durable commands print statuses stored in Postgres (worker events, outcomes), which may hold a token
 * a server echoed.
 */
export function withTokensMasked(io: CliIo): CliIo {
  const tokens = envTokens(io.env);
  if (tokens.length === 0) return io;
  const forms = [...new Set(tokens.flatMap((token) => [token, JSON.stringify(token).slice(1, -1)]))];
  return { ...io, out: (line) => io.out(redact(line, forms)), err: (line) => io.err(redact(line, forms)) };
}

const envTokens = (env: Env): string[] =>
  cliProviders.map((p) => env[p.tokenVar] ?? "").filter((token) => token !== "");

/**
 * The error for a provider whose token variable is not set, or undefined when it is. The commands check it
 * before they start a wait, so a missing token counts no request and emits no request event.
 */
export function missingToken(provider: string, env: Env): AuthError | undefined {
  const p = cliProviders.find((candidate) => candidate.name === provider);
  if (!p || env[p.tokenVar]) return undefined;
  return new AuthError(`${p.name}: set ${p.tokenVar} to a token.`, { provider: p.name });
}

/**
 * A watcher with every provider of the CLI. Tokens are read from the environment only when a request
 * needs one, so a missing token matters only for the provider actually polled, and says which variable
 * to set.
 */
export function watcherFromEnv(env: Env, settings: WatcherSettings = {}): Watcher {
  // No fetch option unless one is needed: the clients then read with core's default transport (node:http
  // on Node). --debug logs each request from a fetch wrapper, so it reads through fetch.
  let fetch = settings.fetch;
  if (settings.debug) {
    const tokens = () => cliProviders.map((p) => env[p.tokenVar] ?? "");
    fetch = debugFetch(fetch ?? globalThis.fetch, settings.debug, tokens);
  }
  const registerAny = register as (module: unknown, options: Record<string, unknown>) => ProviderRegistration;
  // A provider whose spec names no host of its own (an enterprise server's `https://{hostname}/api/v3`), given
  // neither a base URL nor a server variable, is left out: it must not stop waits on every other provider.
  // Its message is thrown when no provider at all can be registered.
  const unreachable: unknown[] = [];
  const registrations = cliProviders.flatMap((p) => {
    const options: Record<string, unknown> = {
      token: async () => {
        const missing = missingToken(p.name, env);
        if (missing) throw missing;
        return env[p.tokenVar] as string;
      },
    };
    if (fetch !== undefined) options.fetch = fetch;
    if (settings.maxBodyBytes !== undefined) options.maxBodyBytes = settings.maxBodyBytes;
    const baseUrl = configuredBaseUrl(p, env, settings);
    if (baseUrl !== undefined) options.baseUrl = baseUrl;
    let configured = baseUrl !== undefined;
    for (const variable of p.variables) {
      const value = settings.variables?.[variable.attribute] ?? (env[variable.envVar] || undefined);
      if (value !== undefined) options[variable.name] = value;
      configured ||= value !== undefined;
    }
    try {
      return [registerAny(p.module, options)];
    } catch (error) {
      if (configured || !(error instanceof ValidationError)) throw error;
      unreachable.push(error);
      return [];
    }
  });
  if (registrations.length === 0 && unreachable.length > 0) throw unreachable[0];
  return createWatcher({ providers: registrations });
}
