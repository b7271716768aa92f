import { createRequire } from "node:module";
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from "commander";
import {
  AuthError,
  DEFAULT_MAX_CONSECUTIVE_FAILURES,
  DEFAULT_MAX_DELAY_MS,
  DEFAULT_MIN_DELAY_MS,
  NetworkError,
  NotFoundError,
  type OperationStatus,
  OpwatchError,
  type PollEvent,
  TimeoutError,
  type Watcher,
} from "opwatch";
import { completionScript, SHELLS, type Shell } from "./completion.js";
import {
  type Display,
  describeStatus,
  JsonDisplay,
  LiveDisplay,
  type OpView,
  type Outcome,
  PlainDisplay,
  statusJson,
  type TerminalStream,
} from "./display.js";
import { formatDuration, parseDuration } from "./duration.js";
import {
  EXIT,
  EXIT_CODES_HELP,
  type ExitCode,
  exitCodeOfError,
  exitCodeOfState,
  type StopSignal,
  UsageError,
  worstExitCode,
} from "./exit-codes.js";
import { checkVariable, cliProvider, cliProviders, cliVariables } from "./providers.js";
import { resolveTarget, resumeCommand, type Target, targetsFromText } from "./targets.js";
import { type Env, type WatcherSettings, watcherFromEnv } from "./watcher-from-env.js";

export { EXIT } from "./exit-codes.js";

const VERSION: string = createRequire(import.meta.url)("../package.json").version;
const DEFAULT_TIMEOUT_MS = 30 * 60_000;

export interface CliIo {
  env: Env;
  /** One line of standard output (no trailing newline). */
  out: (line: string) => void;
  /** One line of standard error. */
  err: (line: string) => void;
  /** Aborted on SIGINT / SIGTERM, with the signal's name as the reason. */
  signal?: AbortSignal;
  /** Standard output when it is a terminal: the live display draws there. */
  terminal?: TerminalStream;
  /** Reads standard input to the end (for the `-` target). */
  stdin?: () => Promise<string>;
  /** The fetch the clients use (tests); the global one by default. */
  fetch?: typeof globalThis.fetch;
}

interface CommonOptions {
  baseUrl?: Record<string, string>;
  debug?: boolean;
  json?: boolean;
  [variable: string]: unknown;
}

interface WaitCliOptions extends CommonOptions {
  quiet?: boolean;
  maxFailures?: number;
  timeout: number;
  interval?: number;
  minDelay?: number;
  maxDelay?: number;
}

interface GetCliOptions extends CommonOptions {
  exitStatus?: boolean;
}

interface EnqueueCliOptions extends CommonOptions {
  timeout: number;
  interval?: number;
  minDelay?: number;
  maxDelay?: number;
  maxFailures?: number;
}

interface WorkerCliOptions extends CommonOptions {
  concurrency?: number;
}

interface OutcomesCliOptions {
  follow?: boolean;
  json?: boolean;
  after?: number;
  limit?: number;
}

const ENVIRONMENT_HELP = () => {
  const tokens = cliProviders.map((p) => p.tokenVar).join(", ");
  const bases = cliProviders.map((p) => p.baseUrlVar).join(", ");
  const variables = cliVariables.map((v) => `${v.envVar} (${v.flag})`).join(", ");
  return `Environment:
  ${tokens}
      tokens, read only from the environment, never printed
  ${bases}
      base URL of a provider (like --base-url)${variables ? `\n  ${variables}` : ""}
  DATABASE_URL       Postgres connection string for enqueue, worker and outcomes
  OPWATCH_DEBUG=1    like --debug
  NO_COLOR           no colour; CI: no live display (plain lines)`;
};

function durationArg(flag: string) {
  return (text: string): number => {
    const ms = parseDuration(text);
    if (ms === undefined) throw new InvalidArgumentError(`${flag} takes a duration such as 1m30s, 90s, 2h or 1d`);
    return ms;
  };
}

function integerArg(flag: string, min: number) {
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

/** Runs the command line and resolves with the exit code. Never throws. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes("--json");
  const usage = (message: string, command: string | undefined) => {
    const help = `see opwatch${command ? ` ${command}` : ""} --help`;
    if (json) {
      io.out(
        JSON.stringify({
          type: "error",
          time: new Date().toISOString(),
          exitCode: EXIT.usage,
          message: `${message}; ${help}`,
          error: { name: "UsageError", message },
        }),
      );
    } else {
      io.err(`opwatch: ${message}`);
      io.err(help);
    }
    return EXIT.usage;
  };

  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, async (work) => {
    exitCode = await work();
  });
  const first = argv.find((arg) => !arg.startsWith("-"));
  if (first === undefined && !argv.some((a) => ["-h", "--help", "-V", "--version"].includes(a))) {
    return usage("missing command: wait, get, ref, enqueue, worker, outcomes or completion", undefined);
  }
  try {
    await program.parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === "commander.helpDisplayed" || error.code === "commander.version") return EXIT.ok;
      const command = program.commands.find((c) => c.name() === first)?.name();
      return usage(oneLine(error.message), command);
    }
    if (error instanceof UsageError) {
      return usage(error.message, (error as UsageError & { command?: string }).command);
    }
    io.err(`opwatch: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.error;
  }
}

function oneLine(message: string): string {
  return message
    .replace(/^error: /, "")
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean)
    .join(" ");
}

function buildProgram(io: CliIo, act: (work: () => Promise<number>) => Promise<void>): Command {
  const program = new Command("opwatch");
  const output = {
    writeOut: (text: string) => io.out(text.replace(/\n$/, "")),
    writeErr: (text: string) => io.err(text.replace(/\n$/, "")),
    outputError: () => undefined, // run() prints one line plus "see opwatch <command> --help"
  };
  program
    .description("Wait on cloud providers' long-running operations from the shell or a CI job.")
    .version(VERSION, "-V, --version", "print the version")
    .helpOption("-h, --help", "this help; opwatch <command> --help for a command's")
    .helpCommand(false)
    .configureOutput(output)
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      `\nProviders: ${cliProviders.map((p) => `${p.name} (${p.displayName})`).join(", ")}.\n\n${ENVIRONMENT_HELP()}\n\n${EXIT_CODES_HELP}`,
    );

  const common = (command: Command) => {
    command
      .option(
        "--base-url <provider=url>",
        "send provider's requests to this base URL (a proxy, a stand-in); a production status URL is rerouted there; repeatable",
        baseUrlArg,
      )
      .option("--debug", "one line per request on stderr (method, URL, status, ms, retry-after); also OPWATCH_DEBUG=1");
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
    return command.configureOutput(output).exitOverride().showSuggestionAfterError(true);
  };

  const pacingOptions = (command: Command) =>
    command
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

  common(
    pacingOptions(
      program
        .command("wait")
        .summary("poll until the operations are done, showing their progress")
        .description(
          "Polls each operation until it is done. On a terminal one line per operation is redrawn in place; piped, with --quiet or in CI, plain timestamped lines. Exit code: the worst outcome.",
        )
        .argument("<targets...>", "status URLs or refs (the JSON opwatch ref prints); - reads one per line from stdin")
        .option(
          "--json",
          "NDJSON events on stdout (status, retry, scheduled, done, error), then one outcome per operation",
        )
        .option("-q, --quiet", "no live display and no progress lines: one timestamped outcome line per operation")
        .addOption(
          new Option("--timeout <duration>", "give up after this long (e.g. 90s, 1m30s, 2h, 1d)")
            .argParser(durationArg("--timeout"))
            .default(DEFAULT_TIMEOUT_MS, "30m"),
        )
        .option(
          "--max-failures <n>",
          `give up (exit 3) after this many transient failures in a row (default ${DEFAULT_MAX_CONSECUTIVE_FAILURES})`,
          integerArg("--max-failures", 1),
        ),
    ),
  )
    .addHelpText(
      "after",
      `\nExamples:\n  opwatch wait "$STATUS_URL" --timeout 20m\n  opwatch wait "$(opwatch ref "$STATUS_URL")"       # resume later from a ref\n  opwatch wait - < urls.txt                        # one target per line\n  opwatch wait "$URL" --base-url bentley=http://127.0.0.1:4010\n\n${EXIT_CODES_HELP}`,
    )
    .action(async (targets: string[], options: WaitCliOptions) => {
      await act(() => waitCommand(targets, options, io));
    });

  common(
    program
      .command("get")
      .summary("read the operations once and print their status")
      .argument("<targets...>", "status URLs or refs; - reads one per line from stdin")
      .option("--json", "one JSON status per line")
      .option("--exit-status", "exit 1 when an operation ended failed or canceled"),
  )
    .addHelpText("after", `\n${EXIT_CODES_HELP}`)
    .action(async (targets: string[], options: GetCliOptions) => {
      await act(() => getCommand(targets, options, io));
    });

  common(
    program
      .command("ref")
      .summary("print the ref (plain JSON) of a status URL, to resume later")
      .argument("<target>", "a status URL (or a ref, printed back validated)")
      .addHelpText("after", `\nExample:\n  REF=$(opwatch ref "$STATUS_URL")   # store it; later: opwatch wait "$REF"`),
  ).action(async (target: string, options: CommonOptions) => {
    await act(async () => {
      const { watcher, settings } = setup(options, io, "ref");
      io.out(JSON.stringify(resolveOrUsage(() => resolveTarget(watcher, target, io.env, settings), "ref").ref));
      return EXIT.ok;
    });
  });

  common(
    pacingOptions(
      program
        .command("enqueue")
        .summary("store durable waits in Postgres (DATABASE_URL); opwatch worker polls them")
        .description(
          "Stores each wait in the Postgres database of DATABASE_URL and returns at once; any number of `opwatch worker` processes, anywhere, poll them, and `opwatch outcomes` prints how each ended. The same operation enqueued twice is one wait.",
        )
        .argument("<targets...>", "status URLs or refs (the JSON opwatch ref prints); - reads one per line from stdin")
        .option("--json", "one JSON line per target: id, ref, created")
        .addOption(
          new Option("--timeout <duration>", "the wait ends timed_out after this long (e.g. 90s, 1m30s, 2h, 1d)")
            .argParser(durationArg("--timeout"))
            .default(DEFAULT_TIMEOUT_MS, "30m"),
        )
        .option(
          "--max-failures <n>",
          `end the wait with an error after this many transient failures in a row (default ${DEFAULT_MAX_CONSECUTIVE_FAILURES})`,
          integerArg("--max-failures", 1),
        ),
    ),
  )
    .addHelpText(
      "after",
      `\nExamples:\n  export DATABASE_URL=postgres://user:password@host/db\n  opwatch enqueue "$STATUS_URL" --timeout 2h\n  opwatch enqueue - < urls.txt                  # one target per line\n\n${DURABLE_EXIT_CODES_HELP}`,
    )
    .action(async (targets: string[], options: EnqueueCliOptions) => {
      await act(() => enqueueCliCommand(targets, options, io));
    });

  common(
    program
      .command("worker")
      .summary("poll the durable waits of DATABASE_URL until stopped (Ctrl-C)")
      .description(
        "Runs the poll steps of the waits stored by opwatch enqueue, until SIGINT or SIGTERM; then finishes the steps in flight. Run as many workers as you like, on any machine: they share the work, and the provider's pushback. A worker needs the same tokens and --base-url as a wait would.",
      )
      .option("--json", "one JSON line per step, deferral, outcome and error")
      .option("--concurrency <n>", "poll steps at once in this process (default 16)", integerArg("--concurrency", 1)),
  )
    .addHelpText(
      "after",
      `\nExample:\n  DATABASE_URL=postgres://user:password@host/db SOURCECRAFT_TOKEN=... opwatch worker --concurrency 32\n\n${DURABLE_EXIT_CODES_HELP}`,
    )
    .action(async (options: WorkerCliOptions) => {
      await act(() => workerCliCommand(options, io));
    });

  program
    .command("outcomes")
    .summary("print how the durable waits of DATABASE_URL ended")
    .description(
      "Prints the outcome log of DATABASE_URL, oldest first: position (seq), time, succeeded, failed, canceled, timed_out or error, the operation and its requests. --follow keeps printing outcomes as workers record them, until Ctrl-C.",
    )
    .option("--follow", "keep printing outcomes as they are recorded, until stopped")
    .option("--json", "one JSON outcome per line (seq, waitId, ref, kind, status, error, requests, …)")
    .option("--after <seq>", "only outcomes after this position (the seq printed with each)", integerArg("--after", 0))
    .option("--limit <n>", "at most this many (without --follow; default 1000)", integerArg("--limit", 1))
    .configureOutput(output)
    .exitOverride()
    .showSuggestionAfterError(true)
    .addHelpText(
      "after",
      `\nExamples:\n  opwatch outcomes --json | jq -c 'select(.kind != "succeeded")'\n  opwatch outcomes --follow --after 1200\n\n${DURABLE_EXIT_CODES_HELP}`,
    )
    .action(async (options: OutcomesCliOptions) => {
      await act(() => outcomesCliCommand(options, io));
    });

  program
    .command("completion")
    .summary("print a shell completion script")
    .addArgument(new Argument("<shell>", SHELLS.join(", ")).choices(SHELLS))
    .configureOutput(output)
    .exitOverride()
    .addHelpText(
      "after",
      `\nInstall:\n  bash: echo 'source <(opwatch completion bash)' >> ~/.bashrc\n  zsh:  echo 'source <(opwatch completion zsh)' >> ~/.zshrc\n  fish: opwatch completion fish > ~/.config/fish/completions/opwatch.fish`,
    )
    .action(async (shell: Shell) => {
      await act(async () => {
        io.out(
          completionScript(
            program,
            shell,
            cliProviders.map((p) => p.name),
            Object.fromEntries(cliVariables.map((v) => [v.flag, v.examples])),
          ),
        );
        return EXIT.ok;
      });
    });
  return program;
}

function resolveOrUsage<T>(fn: () => T, command: string): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UsageError || (error instanceof Error && error.name === "ValidationError")) {
      const usage = new UsageError(error.message.replace(/\.$/, ""));
      (usage as UsageError & { command?: string }).command = command;
      throw usage;
    }
    throw error;
  }
}

function setup(options: CommonOptions, io: CliIo, command: string) {
  const debugOn =
    options.debug === true ||
    (io.env.OPWATCH_DEBUG !== undefined && !["", "0", "false"].includes(io.env.OPWATCH_DEBUG));
  const variables: Record<string, string | undefined> = {};
  for (const variable of cliVariables) {
    const value = options[variable.attribute];
    if (typeof value === "string") variables[variable.attribute] = value;
  }
  const settings: WatcherSettings = {
    baseUrls: options.baseUrl ?? {},
    variables,
    debug: debugOn ? io.err : undefined,
    ...(io.fetch ? { fetch: io.fetch } : {}),
  };
  checkEnvironment(io.env, settings, command);
  const watcher = resolveOrUsage(() => watcherFromEnv(io.env, settings), command);
  return { watcher, settings, debug: debugOn };
}

/** Base URLs and server variables from the environment, checked in the CLI's words before any request. */
function checkEnvironment(env: Env, settings: WatcherSettings, command: string): void {
  const fail = (message: string) => {
    throw Object.assign(new UsageError(message), { command });
  };
  for (const p of cliProviders) {
    const base = env[p.baseUrlVar];
    if (base && settings.baseUrls?.[p.name] === undefined && !(/^https?:\/\//i.test(base) && URL.canParse(base))) {
      fail(`${p.baseUrlVar} must be an http(s) URL, got ${JSON.stringify(base)}`);
    }
    for (const variable of p.variables) {
      const value = env[variable.envVar];
      if (!value || settings.variables?.[variable.attribute] !== undefined) continue;
      const problem = checkVariable(variable, variable.envVar, value);
      if (problem) fail(problem);
    }
  }
}

async function expandTargets(inputs: readonly string[], io: CliIo, command: string): Promise<string[]> {
  const targets: string[] = [];
  for (const input of inputs) {
    if (input !== "-") {
      targets.push(input);
      continue;
    }
    if (!io.stdin)
      throw Object.assign(new UsageError("- reads targets from stdin, which is not available"), { command });
    targets.push(...targetsFromText(await io.stdin()));
  }
  if (targets.length === 0) throw Object.assign(new UsageError("no targets on stdin"), { command });
  return targets;
}

function opId(target: Target): string {
  const last = Object.values(target.ref.params).at(-1);
  return last === undefined ? target.ref.provider : String(last);
}

function stopSignal(io: CliIo): StopSignal | undefined {
  const reason = io.signal?.reason;
  return reason === "SIGINT" || reason === "SIGTERM" ? reason : undefined;
}

/** The flags a resume command needs to reach the same place (`--base-url`, server variables). */
function resumeFlags(options: CommonOptions): string[] {
  const flags: string[] = [];
  for (const [name, url] of Object.entries(options.baseUrl ?? {})) flags.push("--base-url", `${name}=${url}`);
  for (const variable of cliVariables) {
    const value = options[variable.attribute];
    if (typeof value === "string") flags.push(variable.flag, value);
  }
  return flags;
}

const isCi = (env: Env) => env.CI !== undefined && !["", "0", "false"].includes(env.CI.toLowerCase());

async function waitCommand(inputs: readonly string[], options: WaitCliOptions, io: CliIo): Promise<number> {
  const command = "wait";
  const delays = pacing(options);
  const { watcher, settings, debug } = setup(options, io, command);
  const texts = await expandTargets(inputs, io, command);
  // Every target is checked before the first request.
  const targets = texts.map((text) => resolveOrUsage(() => resolveTarget(watcher, text, io.env, settings), command));

  const live =
    !options.json && !options.quiet && !debug && io.terminal !== undefined && !isCi(io.env) && io.env.TERM !== "dumb";
  const color = live && !io.env.NO_COLOR;
  const display: Display = options.json
    ? new JsonDisplay(io)
    : live && io.terminal
      ? new LiveDisplay(io.terminal, io, color)
      : new PlainDisplay(io, options.quiet === true);

  const flags = resumeFlags(options);
  const codes = await Promise.all(
    targets.map(async (target, i): Promise<ExitCode> => {
      const op: OpView = {
        index: i + 1,
        provider: target.ref.provider,
        id: opId(target),
        ref: target.ref,
        startedAt: Date.now(),
      };
      if (display instanceof LiveDisplay) display.add(op);
      let last: OperationStatus | undefined;
      let requests = 0;
      const onEvent = (event: PollEvent) => {
        if (event.type === "request") requests = event.attempt;
        if (event.type === "status") last = event.status;
        if (event.type === "done") requests = event.requests;
        display.event(op, event);
      };
      let outcome: Outcome;
      try {
        const final = await watcher.wait(target.pollRef, {
          ...(io.signal ? { signal: io.signal } : {}),
          maxWaitMs: options.timeout,
          ...delays,
          throwOnFailure: false,
          ...(options.maxFailures === undefined ? {} : { maxConsecutiveFailures: options.maxFailures }),
          onEvent,
        });
        const exitCode = exitCodeOfState(final.state);
        outcome = {
          exitCode,
          status: final,
          result: final.state,
          message: exitCode === EXIT.ok ? undefined : `${op.provider} ${op.id} ended ${describeStatus(final)}`,
          durationMs: Date.now() - op.startedAt,
          requests,
        };
      } catch (error) {
        const stoppedBy = stopSignal(io);
        const exitCode = exitCodeOfError(error, stoppedBy);
        const resumable = exitCode === EXIT.timeout || exitCode === EXIT.sigint || exitCode === EXIT.sigterm;
        const resume = resumable ? resumeCommand(target.ref, flags) : undefined;
        const status =
          last ?? (error instanceof TimeoutError ? (error.lastStatus as OperationStatus | undefined) : undefined);
        outcome = {
          exitCode,
          status,
          error,
          result:
            exitCode === EXIT.timeout
              ? "timeout"
              : exitCode === EXIT.sigint
                ? "interrupted"
                : exitCode === EXIT.sigterm
                  ? "terminated"
                  : "error",
          message: cliMessage(error, op, { timeoutMs: options.timeout, stoppedBy, resume, status }),
          resume,
          durationMs: Date.now() - op.startedAt,
          requests,
        };
      }
      display.outcome(op, outcome);
      return outcome.exitCode;
    }),
  );
  display.close();
  return worstExitCode(codes);
}

function pacing(
  options: Pick<WaitCliOptions, "interval" | "minDelay" | "maxDelay">,
  command = "wait",
): { minDelayMs?: number; maxDelayMs?: number } {
  const usage = (message: string) => Object.assign(new UsageError(message), { command });
  if (options.interval !== undefined) {
    if (options.minDelay !== undefined || options.maxDelay !== undefined) {
      throw usage("--interval sets a fixed interval; leave out --min-delay and --max-delay");
    }
    return { minDelayMs: options.interval, maxDelayMs: options.interval };
  }
  const min = options.minDelay ?? DEFAULT_MIN_DELAY_MS;
  const max = options.maxDelay ?? DEFAULT_MAX_DELAY_MS;
  if (min > max) {
    const name = (flag: string, ms: number, given: boolean) =>
      `${flag} ${formatDuration(ms)}${given ? "" : " (the default)"}`;
    throw usage(
      `${name("--min-delay", min, options.minDelay !== undefined)} is above ${name("--max-delay", max, options.maxDelay !== undefined)}`,
    );
  }
  return {
    ...(options.minDelay === undefined ? {} : { minDelayMs: options.minDelay }),
    ...(options.maxDelay === undefined ? {} : { maxDelayMs: options.maxDelay }),
  };
}

/** What went wrong, in the CLI's words (flags, environment variables), one line. */
function cliMessage(
  error: unknown,
  op: OpView,
  context: {
    timeoutMs: number;
    stoppedBy: StopSignal | undefined;
    resume: string | undefined;
    status?: OperationStatus | undefined;
  },
): string {
  const label = `${op.provider} ${op.id}`;
  const p = cliProvider(op.provider);
  const last = context.status ? describeStatus(context.status) : "no status seen yet";
  const resume = context.resume ? `; resume with: ${context.resume}` : "";
  if (error instanceof TimeoutError) {
    const cause = error.cause instanceof Error ? `, last error: ${sdkFree(error.cause.message, op.provider)}` : "";
    return `${label} not done after ${formatDuration(context.timeoutMs)} (last: ${last}${cause})${resume} (or raise --timeout)`;
  }
  if (context.stoppedBy)
    return `${label} ${context.stoppedBy === "SIGTERM" ? "terminated" : "interrupted"} (${context.stoppedBy}) while ${last}${resume}`;
  const gaveUp = error instanceof OpwatchError ? /gave up after (\d+) failures in a row/.exec(error.message) : null;
  if (gaveUp && error instanceof OpwatchError && error.cause instanceof OpwatchError) {
    const lastError = sdkFree(error.cause.message, op.provider);
    const why = error.cause.httpStatus === undefined ? lastError : `HTTP ${error.cause.httpStatus}: ${lastError}`;
    return `${label}: gave up after ${gaveUp[1]} failures in a row (last: ${why}); raise --max-failures to keep trying`;
  }
  const message = error instanceof Error ? sdkFree(error.message, op.provider) : String(error);
  const base = p ? `--base-url ${p.name}=<url> or ${p.baseUrlVar}` : "--base-url";
  if (error instanceof AuthError) {
    if (p && message.includes(p.tokenVar)) return `${label}: ${message}`;
    return `${label}: ${message}; check ${p?.tokenVar ?? "the token"} (valid, not expired, with the right scope)`;
  }
  if (error instanceof NotFoundError) return `${label}: ${message}; check the operation id and the base URL (${base})`;
  if (error instanceof NetworkError) return `${label}: ${message}; check the network and the base URL (${base})`;
  return `${label}: ${message}`;
}

/**
 * An error's message without the SDK's own advice (which names options such as `baseUrl`): the provider's
 * answer ("Bentley iTwin Schedules answered 404 …") or what failed; the CLI adds advice in its own words.
 */
function sdkFree(message: string, provider: string): string {
  const p = cliProvider(provider);
  let text = message.replace(new RegExp(`^${provider}: `), "");
  const answered = p ? text.indexOf(`${p.displayName} answered`) : -1;
  if (answered >= 0) text = text.slice(answered);
  return text
    .replace(/(;|,|\.)\s+(so\s+)?(check|raise|pass|the provider failed|slow down|wait \d)\b[\s\S]*$/i, "")
    .replace(/\.$/, "");
}

async function getCommand(inputs: readonly string[], options: GetCliOptions, io: CliIo): Promise<number> {
  const command = "get";
  const { watcher, settings } = setup(options, io, command);
  const texts = await expandTargets(inputs, io, command);
  const targets = texts.map((text) => resolveOrUsage(() => resolveTarget(watcher, text, io.env, settings), command));
  const codes = await Promise.all(
    targets.map(async (target, i): Promise<ExitCode> => {
      const op: OpView = {
        index: i + 1,
        provider: target.ref.provider,
        id: opId(target),
        ref: target.ref,
        startedAt: Date.now(),
      };
      try {
        const status = await watcher.get(target.pollRef, io.signal ? { signal: io.signal } : {});
        if (options.json) {
          io.out(
            JSON.stringify({
              type: "status",
              time: new Date().toISOString(),
              op: op.index,
              status: statusJson(status),
            }),
          );
        } else {
          io.out(`${op.provider} ${status.id} ${describeStatus(status)}`);
        }
        return options.exitStatus && (status.state === "failed" || status.state === "canceled") ? EXIT.failed : EXIT.ok;
      } catch (error) {
        const stoppedBy = stopSignal(io);
        const exitCode = exitCodeOfError(error, stoppedBy);
        const message = cliMessage(error, op, { timeoutMs: 0, stoppedBy, resume: undefined });
        if (options.json) {
          io.out(
            JSON.stringify({
              type: "error",
              time: new Date().toISOString(),
              op: op.index,
              provider: op.provider,
              id: op.id,
              exitCode,
              message,
              error:
                error instanceof Error && "toJSON" in error ? (error as { toJSON(): unknown }).toJSON() : { message },
            }),
          );
        } else {
          io.err(`opwatch: ${message}`);
        }
        return exitCode;
      }
    }),
  );
  return worstExitCode(codes);
}

// The durable commands (enqueue, worker, outcomes) live in @opwatch/durable, which brings pg and pg-boss:
// it is imported only when one of them runs, so `opwatch wait` and the others never load it.
type DurableModule = typeof import("@opwatch/durable");

const DURABLE_EXIT_CODES_HELP = `Exit codes:
  0    done (worker, outcomes --follow: stopped otherwise than by a signal)
  3    database, server or network error
  64   usage: bad flag, duration, URL or ref, or DATABASE_URL not set
  130  stopped by SIGINT (Ctrl-C), after finishing the steps in flight
  143  stopped by SIGTERM, after finishing the steps in flight`;

function requireDatabaseUrl(io: CliIo, command: string): void {
  if (!io.env.DATABASE_URL) {
    throw Object.assign(
      new UsageError("set DATABASE_URL to a Postgres connection string (postgres://user:password@host/db)"),
      { command },
    );
  }
}

async function loadDurable(io: CliIo, command: string): Promise<DurableModule> {
  requireDatabaseUrl(io, command);
  return await import("@opwatch/durable");
}

function durableIo(io: CliIo) {
  return { env: io.env, out: io.out, err: io.err, ...(io.signal ? { signal: io.signal } : {}) };
}

/** 130 / 143 when SIGINT / SIGTERM stopped a command that otherwise ended well. */
function signalled(io: CliIo, code: number): number {
  const stoppedBy = stopSignal(io);
  if (code !== EXIT.ok || !stoppedBy) return code;
  return stoppedBy === "SIGTERM" ? EXIT.sigterm : EXIT.sigint;
}

async function enqueueCliCommand(inputs: readonly string[], options: EnqueueCliOptions, io: CliIo): Promise<number> {
  const command = "enqueue";
  requireDatabaseUrl(io, command);
  const delays = pacing(options, command);
  const { watcher, settings } = setup(options, io, command);
  const texts = await expandTargets(inputs, io, command);
  // Every target is checked before anything is stored; the ref stored is the one polled (rerouted by
  // --base-url), so workers poll where this command was pointed.
  const refs = texts.map(
    (text) => resolveOrUsage(() => resolveTarget(watcher, text, io.env, settings), command).pollRef,
  );
  const { enqueueCommand } = await loadDurable(io, command);
  return enqueueCommand(
    {
      targets: refs,
      json: options.json === true,
      maxWaitMs: options.timeout,
      ...delays,
      ...(options.maxFailures === undefined ? {} : { maxConsecutiveFailures: options.maxFailures }),
    },
    { watcher, io: durableIo(io) },
  );
}

async function workerCliCommand(options: WorkerCliOptions, io: CliIo): Promise<number> {
  const command = "worker";
  requireDatabaseUrl(io, command);
  const { watcher } = setup(options, io, command);
  const { workerCommand } = await loadDurable(io, command);
  const code = await workerCommand(
    { json: options.json === true, ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }) },
    { watcher, io: durableIo(io) },
  );
  return signalled(io, code);
}

async function outcomesCliCommand(options: OutcomesCliOptions, io: CliIo): Promise<number> {
  const command = "outcomes";
  if (options.limit !== undefined && options.follow) {
    throw Object.assign(new UsageError("--limit is for a listing; leave it out with --follow"), { command });
  }
  const { outcomesCommand } = await loadDurable(io, command);
  // Reading outcomes makes no request to a provider: a watcher is made only if something asks for a ref.
  const watcher = { ref: ((target: never) => watcherFromEnv(io.env).ref(target)) as Watcher["ref"] };
  const code = await outcomesCommand(
    {
      json: options.json === true,
      follow: options.follow === true,
      ...(options.after === undefined ? {} : { after: options.after }),
      ...(options.limit === undefined ? {} : { limit: options.limit }),
    },
    { watcher, io: durableIo(io) },
  );
  return options.follow ? signalled(io, code) : code;
}
