// Redrawing a block of lines in place on a terminal: what the live display needs of log-update, in the
// escape codes every terminal emulator knows, so that `opwatch wait` pulls no terminal library in.

const ESC = "\u001b[";
const ERASE_LINE = `${ESC}2K`;
const CURSOR_UP = `${ESC}1A`;
const CURSOR_TO_START = `${ESC}G`;
const HIDE_CURSOR = `${ESC}?25l`;
const SHOW_CURSOR = `${ESC}?25h`;

export interface Redraw {
  /** Replaces the block drawn last with `text` (lines the caller has cut to the terminal's width). */
  (text: string): void;
  /** Erases the block drawn last and shows the cursor again. */
  clear(): void;
}

/** Each call replaces what the previous one drew; the cursor is hidden while a block is on the screen. */
export function createRedraw(stream: { write(chunk: string): unknown; readonly rows?: number }): Redraw {
  // The block's lines plus the empty one the cursor waits on below it.
  let drawn = 0;
  const showCursor = () => stream.write(SHOW_CURSOR);
  const erase = () => {
    let codes = "";
    for (let line = 0; line < drawn; line += 1) codes += ERASE_LINE + (line < drawn - 1 ? CURSOR_UP : "");
    return drawn > 0 ? `${codes}${CURSOR_TO_START}` : "";
  };
  const redraw = ((text: string) => {
    // A process that exits mid-draw (an uncaught error, process.exit) gets its cursor back.
    if (drawn === 0) process.once("exit", showCursor);
    // A block taller than the screen could not be erased from above: its last lines, one row left for the cursor.
    const lines = text.split("\n");
    const room = Math.max(1, (stream.rows || 24) - 1);
    const frame = `${(lines.length > room ? lines.slice(-room) : lines).join("\n")}\n`;
    stream.write(`${drawn === 0 ? HIDE_CURSOR : ""}${erase()}${frame}`);
    drawn = frame.split("\n").length;
  }) as Redraw;
  redraw.clear = () => {
    if (drawn === 0) return;
    stream.write(`${erase()}${SHOW_CURSOR}`);
    process.removeListener("exit", showCursor);
    drawn = 0;
  };
  return redraw;
}

/** The spinner's frames (braille dots) and how long each shows. */
export const SPINNER = { frames: ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"], intervalMs: 80 } as const;
