// From a command's options and the environment to the watcher it polls with, checked before any request.
import { orUsage, UsageError } from "./exit-codes.js";
import { type CliIo, envFlag } from "./io.js";
import type { CommonOptions } from "./options.js";
import { checkVariable, cliProviders, cliVariables } from "./providers.js";
import { type Env, type WatcherSettings, watcherFromEnv } from "./watcher-from-env.js";

/** The watcher for a command, its settings (to resolve targets with) and whether --debug is on. */
export function setup(options: CommonOptions, io: CliIo, command: string) {
  const debugOn = options.debug === true || envFlag(io.env, "OPWATCH_DEBUG");
  const variables: Record<string, string | undefined> = {};
  for (const variable of cliVariables) {
    const value = options[variable.attribute];
    if (typeof value === "string") variables[variable.attribute] = value;
  }
  const settings: WatcherSettings = {
    baseUrls: options.baseUrl ?? {},
    variables,
    debug: debugOn ? io.err : undefined,
    ...(options.maxBodyBytes === undefined ? {} : { maxBodyBytes: options.maxBodyBytes }),
    ...(io.fetch ? { fetch: io.fetch } : {}),
  };
  checkEnvironment(io.env, settings, command);
  const watcher = orUsage(() => watcherFromEnv(io.env, settings), command);
  return { watcher, settings, debug: debugOn };
}

/** Base URLs and server variables from the environment, checked in the CLI's words before any request. */
function checkEnvironment(env: Env, settings: WatcherSettings, command: string): void {
  for (const p of cliProviders) {
    const base = env[p.baseUrlVar];
    if (base && settings.baseUrls?.[p.name] === undefined && !(/^https?:\/\//i.test(base) && URL.canParse(base))) {
      throw new UsageError(`${p.baseUrlVar} must be an http(s) URL, got ${JSON.stringify(base)}`, command);
    }
    for (const variable of p.variables) {
      const value = env[variable.envVar];
      if (!value || settings.variables?.[variable.attribute] !== undefined) continue;
      const problem = checkVariable(variable, variable.envVar, value);
      if (problem) throw new UsageError(problem, command);
    }
  }
}

/** The flags a resume command needs to reach the same place (`--base-url`, server variables). */
export function resumeFlags(options: CommonOptions): string[] {
  const flags: string[] = [];
  for (const [name, url] of Object.entries(options.baseUrl ?? {})) flags.push("--base-url", `${name}=${url}`);
  for (const variable of cliVariables) {
    const value = options[variable.attribute];
    if (typeof value === "string") flags.push(variable.flag, value);
  }
  if (options.maxBodyBytes !== undefined) flags.push("--max-body-bytes", String(options.maxBodyBytes));
  return flags;
}
