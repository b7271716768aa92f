// The command tree: each command's arguments, flags and help, and the function that runs it.
import { createRequire } from "node:module";
import { Argument, Command } from "commander";
import {
  DURABLE_EXIT_CODES_HELP,
  enqueueCliCommand,
  outcomesCliCommand,
  workerCliCommand,
} from "./commands/durable.js";
import { durableAdminCommands } from "./commands/durable-admin-program.js";
import { getCommand } from "./commands/get.js";
import { waitCommand } from "./commands/wait.js";
import { completionScript, SHELLS, type Shell } from "./completion.js";
import { EXIT, EXIT_CODES_HELP, GET_EXIT_CODES_HELP, orUsage } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import {
  type CommonOptions,
  commonOptions,
  type EnqueueCliOptions,
  type GetCliOptions,
  integerArg,
  maxFailuresOption,
  type OutcomesCliOptions,
  pacingOptions,
  timeoutOption,
  type WaitCliOptions,
  type WorkerCliOptions,
} from "./options.js";
import { cliProviders, cliVariables } from "./providers.js";
import { setup } from "./setup.js";
import { resolveTarget } from "./targets.js";

const VERSION: string = createRequire(import.meta.url)("../package.json").version;

const ENVIRONMENT_HELP = () => {
  const tokens = cliProviders.map((p) => p.tokenVar).join(", ");
  const bases = cliProviders.map((p) => p.baseUrlVar).join(", ");
  const variables = cliVariables.map((v) => `${v.envVar} (${v.flag})`).join(", ");
  return `Environment:
  ${tokens}
      tokens, read only from the environment, never printed
  ${bases}
      base URL of a provider (like --base-url)${variables ? `\n  ${variables}` : ""}
  DATABASE_URL       Postgres connection string of the durable commands (enqueue, worker, outcomes, waits, …)
  OPWATCH_DEBUG=1    like --debug
  NO_COLOR           no colour; CI: no live display (plain lines)`;
};

/** The `opwatch` program; each command hands `act` the work it runs, whose exit code run() returns. */
export function buildProgram(io: CliIo, act: (work: () => Promise<number>) => Promise<void>): Command {
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

  // Every command prints through run() and throws instead of exiting.
  // Subcommands inherit the program's help flag; theirs describes the command's own help.
  const behave = (command: Command) =>
    command
      .configureOutput(output)
      .exitOverride()
      .showSuggestionAfterError(true)
      .helpOption("-h, --help", "show this help");
  const common = (command: Command) => behave(commonOptions(command));

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
        .addOption(timeoutOption("give up after this long (e.g. 90s, 1m30s, 2h, 1d)"))
        .addOption(maxFailuresOption("give up (exit 3)")),
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
    .addHelpText("after", `\n${GET_EXIT_CODES_HELP}`)
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
      io.out(JSON.stringify(orUsage(() => resolveTarget(watcher, target, io.env, settings), "ref").pollRef));
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
        .addOption(timeoutOption("the wait ends timed_out after this long (e.g. 90s, 1m30s, 2h, 1d)"))
        .addOption(maxFailuresOption("end the wait with an error")),
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

  behave(
    program
      .command("outcomes")
      .summary("print how the durable waits of DATABASE_URL ended")
      .description(
        "Prints the outcome log of DATABASE_URL, oldest first: position (seq), time, succeeded, failed, canceled, timed_out or error, the operation and its requests. --follow keeps printing outcomes as workers record them, until Ctrl-C.",
      )
      .option("--follow", "keep printing outcomes as they are recorded, until stopped")
      .option("--json", "one JSON outcome per line (seq, waitId, ref, kind, status, error, requests, …)")
      .option(
        "--after <seq>",
        "only outcomes after this position (the seq printed with each)",
        integerArg("--after", 0),
      )
      .option("--limit <n>", "at most this many (without --follow; default 1000)", integerArg("--limit", 1)),
  )
    .addHelpText(
      "after",
      `\nExamples:\n  opwatch outcomes --json | jq -c 'select(.kind != "succeeded")'\n  opwatch outcomes --follow --after 1200\n\n${DURABLE_EXIT_CODES_HELP}`,
    )
    .action(async (options: OutcomesCliOptions) => {
      await act(() => outcomesCliCommand(options, io));
    });

  // The operator's durable commands.
  durableAdminCommands(program, behave, act, io);

  program
    .command("completion")
    .summary("print a shell completion script")
    .addArgument(new Argument("<shell>", SHELLS.join(", ")).choices(SHELLS))
    .configureOutput(output)
    .exitOverride()
    .helpOption("-h, --help", "show this help")
    .addHelpText(
      "after",
      `\nInstall:\n  bash: echo 'source <(opwatch completion bash)' >> ~/.bashrc\n  zsh:  echo 'source <(opwatch completion zsh)' >> ~/.zshrc     # after compinit\n        or: opwatch completion zsh > ~/.zfunc/_opwatch   # a folder on $fpath, before compinit\n  fish: opwatch completion fish > ~/.config/fish/completions/opwatch.fish`,
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
