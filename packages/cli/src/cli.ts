// The command line's entry: runs the program and turns whatever went wrong into one line (or one JSON
// record with --json) and an exit code.
import { capText, MAX_MESSAGE_CHARS } from "@opwatch/core";
import { CommanderError } from "commander";
import { jsonLine, neutralize } from "./display/printable.js";
import { EXIT, UsageError } from "./exit-codes.js";
import type { CliIo } from "./io.js";
import { buildProgram } from "./program.js";

export { EXIT } from "./exit-codes.js";
export type { CliIo } from "./io.js";

/** Runs the command line and resolves with the exit code. Never throws. */
export async function run(argv: readonly string[], io: CliIo): Promise<number> {
  const json = argv.includes("--json");
  // With --json a failure is one `error` record on stdout, like every other line.
  const record = (exitCode: number, message: string, error: { name: string; message: string }) =>
    io.out(jsonLine({ type: "error", time: new Date().toISOString(), exitCode, message, error }));
  const usage = (message: string, command: string | undefined) => {
    const help = `see opwatch${command ? ` ${command}` : ""} --help`;
    if (json) {
      record(EXIT.usage, `${message}; ${help}`, { name: "UsageError", message });
    } else {
      io.err(`opwatch: ${neutralize(message)}`);
      io.err(help);
    }
    return EXIT.usage;
  };

  let exitCode: number = EXIT.ok;
  const program = buildProgram(io, async (work) => {
    exitCode = await work();
  });
  const first = argv.find((arg) => !arg.startsWith("-"));
  // `opwatch` alone is asking what it can do: the help, as `opwatch --help` prints it.
  if (first === undefined && !argv.some((a) => ["-h", "--help", "-V", "--version"].includes(a))) {
    program.outputHelp();
    return EXIT.ok;
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
    if (error instanceof UsageError) return usage(error.message, error.command);
    const message = capText(error instanceof Error ? error.message : String(error), MAX_MESSAGE_CHARS, true);
    if (json) record(EXIT.error, message, { name: error instanceof Error ? error.name : "Error", message });
    else io.err(`opwatch: ${neutralize(message)}`);
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
