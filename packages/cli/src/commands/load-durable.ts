// @opwatch/durable (pg and a job queue) is an optional add-on of the CLI: a plain `opwatch wait` installs
// and loads none of it. The durable commands import it when they run, and say how to add it when it is missing.
import { UsageError } from "../exit-codes.js";

export type Durable = typeof import("@opwatch/durable");

/** The message when @opwatch/durable is not installed next to the CLI. */
export function durableMissing(command: string): string {
  // Printed after "opwatch: ", so it starts with the command.
  return `${command} needs @opwatch/durable, which is not installed; add it beside @opwatch/cli: npm install @opwatch/durable (for a global CLI: npm install -g @opwatch/durable)`;
}

/** @opwatch/durable, imported on first use; a UsageError saying how to install it when it is missing. */
export async function loadDurable(command: string): Promise<Durable> {
  try {
    return await import("@opwatch/durable");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    const message = error instanceof Error ? error.message : "";
    // Only @opwatch/durable itself missing: a module missing inside it is a broken install, reported as is.
    if (code === "ERR_MODULE_NOT_FOUND" && /'@opwatch\/durable'/.test(message)) {
      throw new UsageError(durableMissing(command), command);
    }
    throw error;
  }
}
