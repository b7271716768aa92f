// The operator's durable commands, registered on the program: `opwatch waits`, `cancel`, `retry`, `prune`
// and `stats` (the commands themselves are in durable.ts and @opwatch/durable).
import type { Command } from "commander";
import type { CliIo } from "../io.js";
import { type DurableAdminCliOptions, durationArg, integerArg } from "../options.js";
import { DURABLE_EXIT_CODES_HELP, durableAdminCliCommand } from "./durable.js";

export function durableAdminCommands(
  program: Command,
  behave: (command: Command) => Command,
  act: (run: () => Promise<number>) => Promise<void>,
  io: CliIo,
): void {
  const admin = (name: "waits" | "cancel" | "retry" | "prune" | "stats", summary: string, example: string) =>
    behave(program.command(name).summary(summary).option("--json", "JSON lines"))
      .addHelpText("after", `\nExample:\n  ${example}\n\n${DURABLE_EXIT_CODES_HELP}`)
      .action(async (...args: unknown[]) => {
        const targets = Array.isArray(args[0]) ? (args[0] as string[]) : [];
        const options = (Array.isArray(args[0]) ? args[1] : args[0]) as DurableAdminCliOptions;
        await act(() => durableAdminCliCommand(name, targets, options, io));
      });
  admin(
    "waits",
    "list the durable waits of DATABASE_URL, oldest first (pending ones unless --all or --ended)",
    "opwatch waits --provider bentley --older-than 1h",
  )
    .option("--all", "pending and ended waits")
    .option("--ended", "only ended waits")
    .option("--provider <name>", "only this provider's waits")
    .option("--older-than <duration>", "only waits enqueued at least this long ago", durationArg("--older-than"))
    .option("--limit <n>", "at most this many (default 100)", integerArg("--limit", 1));
  admin(
    "cancel",
    "end pending durable waits now, each with a canceled outcome",
    'opwatch cancel 3f2a…(wait id) "$STATUS_URL"',
  ).argument("<waits...>", "wait ids (as opwatch waits prints them), status URLs or refs");
  admin(
    "retry",
    "start ended durable waits again (default: every wait that ended in error)",
    "opwatch retry --kind error --provider bentley",
  )
    .argument("[waits...]", "wait ids, status URLs or refs (default: every wait whose outcome is one of --kind)")
    .option("--kind <kind...>", "outcome kinds to retry (default error)")
    .option("--provider <name>", "only this provider's waits");
  admin(
    "prune",
    "delete ended durable waits, with their outcomes, that ended before --older-than",
    "opwatch prune --older-than 30d",
  ).option(
    "--older-than <duration>",
    "delete waits that ended at least this long ago (e.g. 30d)",
    durationArg("--older-than"),
  );
  admin("stats", "counts, backlog, lag and throughput of the durable waits of DATABASE_URL", "opwatch stats --json");
}
