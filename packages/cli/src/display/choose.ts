import { type CliIo, envFlag } from "../io.js";
import { JsonDisplay } from "./json.js";
import { PlainDisplay } from "./plain.js";
import type { Display } from "./types.js";

/**
 * The output mode of `opwatch wait`: NDJSON with --json; the live display on a terminal (not in CI, not with
 * --quiet or --debug, whose lines would break it, nor on a dumb terminal); plain timestamped lines otherwise.
 * The live display (its redraw and spinner, and picocolors) is imported only when it is chosen,
 * so `opwatch --help`, `get` and a piped `wait` never load it.
 */
export async function chooseDisplay(
  options: { json?: boolean; quiet?: boolean; debug: boolean },
  io: CliIo,
): Promise<Display> {
  if (options.json) return new JsonDisplay(io);
  const live = !options.quiet && !options.debug && !envFlag(io.env, "CI") && io.env.TERM !== "dumb";
  if (live && io.terminal) {
    const { LiveDisplay } = await import("./live.js");
    const columns = Number(io.env.COLUMNS);
    return new LiveDisplay(
      io.terminal,
      io,
      !io.env.NO_COLOR,
      Number.isSafeInteger(columns) && columns > 0 ? columns : undefined,
    );
  }
  return new PlainDisplay(io, options.quiet === true);
}
