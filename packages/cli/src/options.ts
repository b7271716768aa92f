// The commands' options: their types, the parsers that check each flag as commander reads it, the option
// sets several commands share, and the checks that need more than one flag.
import { DEFAULT_MAX_BODY_BYTES } from "@opwatch/core";
import { type Command, InvalidArgumentError, Option } from "commander";
import { DEFAULT_MAX_CONSECUTIVE_FAILURES, DEFAULT_MAX_DELAY_MS, DEFAULT_MIN_DELAY_MS } from "opwatch";
import { formatDuration, isBareNumber, parseDuration } from "./duration.js";
import { UsageError } from "./exit-codes.js";
import { checkVariable, cliProvider, cliProviders, cliVariables } from "./providers.js";

export const DEFAULT_TIMEOUT_MS = 30 * 60_000;

export interface CommonOptions {
  baseUrl?: Record<string, string>;
  debug?: boolean;
  maxBodyBytes?: number;
  json?: boolean;
  [variable: string]: unknown;
}

/** `--interval`, `--min-delay`, `--max-delay`: how `wait` and the durable waits of `enqueue` pace their polls. */
export interface PacingOptions {
  interval?: number;
  minDelay?: number;
  maxDelay?: number;
}

export interface WaitCliOptions extends CommonOptions, PacingOptions {
  quiet?: boolean;
  maxFailures?: number;
  timeout: number;
}

export interface GetCliOptions extends CommonOptions {
  exitStatus?: boolean;
}

export interface EnqueueCliOptions extends CommonOptions, PacingOptions {
  timeout: number;
  maxFailures?: number;
}

export interface WorkerCliOptions extends CommonOptions {
  concurrency?: number;
}

export interface OutcomesCliOptions {
  follow?: boolean;
  json?: boolean;
  after?: number;
  limit?: number;
}

/** `opwatch waits`, `cancel`, `retry`, `prune`, `stats`: the operator's durable commands. */
export interface DurableAdminCliOptions {
  json?: boolean;
  all?: boolean;
  ended?: boolean;
  provider?: string;
  olderThan?: number;
  limit?: number;
  kind?: string[];
}

export function durationArg(flag: string) {
  return (text: string): number => {
    const n = text.trim();
    if (isBareNumber(n) && Number(n) > 0) {
      throw new InvalidArgumentError(`${flag} takes a duration with its unit: write ${n}s or ${n}ms, not ${n}`);
    }
    const ms = isBareNumber(n) ? 0 : parseDuration(text);
    if (ms === undefined) throw new InvalidArgumentError(`${flag} takes a duration such as 1m30s, 90s, 2h or 1d`);
    // 0 would poll without a pause (hundreds of requests a second) or give up before the first one.
    if (ms <= 0) throw new InvalidArgumentError(`${flag} takes a duration above 0, such as 1m30s, 90s, 2h or 1d`);
    return ms;
  };
}

export function integerArg(flag: string, min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${flag} takes a whole number of at least ${min}`);
    }
    return n;
  };
}

function baseUrlArg(text: string, previous: Record<string, string> = {}): Record<string, string> {
  const at = text.indexOf("=");
  const name = text.slice(0, Math.max(at, 0));
  const url = text.slice(at + 1);
  const names = cliProviders.map((p) => p.name).join(", ");
  if (at < 1) throw new InvalidArgumentError(`--base-url takes <provider>=<url>, with a provider of ${names}`);
  if (!cliProvider(name)) throw new InvalidArgumentError(`unknown provider "${name}"; one of ${names}`);
  if (!/^https?:\/\//i.test(url) || !URL.canParse(url)) {
    throw new InvalidArgumentError(`"${url}" is not an http(s) URL`);
  }
  return { ...previous, [name]: url };
}

/** `--base-url`, `--debug` and the providers' server variables (`--region`): every command that reads. */
export function commonOptions(command: Command): Command {
  command
    .option(
      "--base-url <provider=url>",
      "send provider's requests to this base URL (a proxy, a stand-in); a production status URL is rerouted there; repeatable",
      baseUrlArg,
    )
    .option("--debug", "one line per request on stderr (method, URL, status, ms, retry-after); also OPWATCH_DEBUG=1")
    .option(
      "--max-body-bytes <n>",
      `the most bytes of one answer's body a read takes, after decoding (default ${DEFAULT_MAX_BODY_BYTES}, 1 MiB); a larger body fails the read`,
      integerArg("--max-body-bytes", 1),
    );
  for (const variable of cliVariables) {
    const option = new Option(
      `${variable.flag} <${variable.name}>`,
      `${cliProvider(variable.provider)?.displayName} ${variable.name}: ${variable.examples.join(", ")}${variable.choices ? "" : ", …"} (default ${variable.defaultValue}); also ${variable.envVar}`,
    ).argParser((value: string) => {
      const problem = checkVariable(variable, variable.flag, value);
      if (problem) throw new InvalidArgumentError(problem);
      return value;
    });
    command.addOption(option);
  }
  return command;
}

export function pacingOptions(command: Command): Command {
  return command
    .option("--interval <duration>", "poll at this fixed interval instead of backing off", durationArg("--interval"))
    .option(
      "--min-delay <duration>",
      `shortest pause between polls (default ${formatDuration(DEFAULT_MIN_DELAY_MS)})`,
      durationArg("--min-delay"),
    )
    .option(
      "--max-delay <duration>",
      `longest pause between polls (default ${formatDuration(DEFAULT_MAX_DELAY_MS)})`,
      durationArg("--max-delay"),
    );
}

/** `--timeout`, 30 minutes by default. */
export function timeoutOption(description: string): Option {
  return new Option("--timeout <duration>", description)
    .argParser(durationArg("--timeout"))
    .default(DEFAULT_TIMEOUT_MS, "30m");
}

/** `--max-failures <n>`; `outcome` says what happens when they run out. */
export function maxFailuresOption(outcome: string): Option {
  return new Option(
    "--max-failures <n>",
    `${outcome} after this many transient failures in a row (default ${DEFAULT_MAX_CONSECUTIVE_FAILURES})`,
  ).argParser(integerArg("--max-failures", 1));
}

/** The poll delays of the pacing flags, checked together: `--interval` alone, and min not above max. */
export function pacing(options: PacingOptions, command = "wait"): { minDelayMs?: number; maxDelayMs?: number } {
  if (options.interval !== undefined) {
    if (options.minDelay !== undefined || options.maxDelay !== undefined) {
      throw new UsageError("--interval sets a fixed interval; leave out --min-delay and --max-delay", command);
    }
    return { minDelayMs: options.interval, maxDelayMs: options.interval };
  }
  const min = options.minDelay ?? DEFAULT_MIN_DELAY_MS;
  const max = options.maxDelay ?? DEFAULT_MAX_DELAY_MS;
  if (min > max) {
    const name = (flag: string, ms: number, given: boolean) =>
      `${flag} ${formatDuration(ms)}${given ? "" : " (the default)"}`;
    throw new UsageError(
      `${name("--min-delay", min, options.minDelay !== undefined)} is above ${name("--max-delay", max, options.maxDelay !== undefined)}`,
      command,
    );
  }
  return {
    ...(options.minDelay === undefined ? {} : { minDelayMs: options.minDelay }),
    ...(options.maxDelay === undefined ? {} : { maxDelayMs: options.maxDelay }),
  };
}
