import type { OperationStatus, PollEvent } from "opwatch";
import picocolors from "picocolors";
import { formatDuration } from "../duration.js";
import { neutralize, printable } from "./printable.js";
import { createRedraw, type Redraw, SPINNER } from "./redraw.js";
import { PUSHBACK, retryText, summary } from "./text.js";
import type { Display, OpView, Outcome, Sink, TerminalStream } from "./types.js";

interface LiveState {
  status?: OperationStatus;
  answeredAt?: number;
  requests: number;
  inFlight: boolean;
  nextAt?: number;
  /** Why the next poll waits, when the provider asked for it (Retry-After, a rate-limit reset). */
  nextWhy?: string | undefined;
  retry?: Extract<PollEvent, { type: "retry" }>;
  final?: string;
}

/**
 * The live view on a terminal: one line per operation, redrawn in place — spinner, state,
 * a progress bar when progress is known, elapsed time, time to the next poll or the retry under way —
 * then a summary line per operation that stays.
 */
export class LiveDisplay implements Display {
  private readonly states = new Map<number, LiveState>();
  private readonly ops: OpView[] = [];
  private readonly log: Redraw;
  private readonly colors: ReturnType<typeof picocolors.createColors>;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly messages: string[] = [];
  private readonly width: () => number;
  private frame = 0;
  private closed = false;

  constructor(
    private readonly stream: TerminalStream,
    private readonly sink: Sink,
    color: boolean,
    columns?: number,
  ) {
    // A pseudo-terminal nobody sized (script, CI runners) reports 0 columns and 0 rows: COLUMNS, or 80x24.
    const sized = {
      write: (chunk: string) => stream.write(chunk),
      get columns() {
        return stream.columns || columns || 80;
      },
      get rows() {
        return stream.rows || 24;
      },
    };
    this.width = () => sized.columns;
    this.log = createRedraw(sized);
    this.colors = picocolors.createColors(color);
    this.timer = setInterval(() => this.render(), SPINNER.intervalMs);
    this.timer.unref?.();
  }

  private stateOf(op: OpView): LiveState {
    let state = this.states.get(op.index);
    if (!state) {
      state = { requests: 0, inFlight: false };
      this.states.set(op.index, state);
      this.ops.push(op);
      this.ops.sort((a, b) => a.index - b.index);
    }
    return state;
  }

  /** Shows an operation before its first event. */
  add(op: OpView): void {
    this.stateOf(op);
  }

  event(op: OpView, event: PollEvent): void {
    const state = this.stateOf(op);
    switch (event.type) {
      case "request":
        state.requests = event.attempt;
        state.inFlight = true;
        delete state.nextAt;
        break;
      case "status":
        state.status = event.status;
        state.answeredAt = event.at;
        state.inFlight = false;
        delete state.retry;
        break;
      case "retry":
        state.inFlight = false;
        state.retry = event;
        state.nextAt = event.at + event.delayMs;
        break;
      case "scheduled":
        state.inFlight = false;
        state.nextAt = event.at + event.delayMs;
        state.nextWhy = PUSHBACK[event.reason];
        break;
      case "done":
        state.requests = event.requests;
        break;
    }
    this.render();
  }

  outcome(op: OpView, outcome: Outcome): void {
    const state = this.stateOf(op);
    const c = this.colors;
    const mark = outcome.exitCode === 0 ? c.green("✔") : outcome.result === "timeout" ? c.yellow("◷") : c.red("✖");
    state.final = `${mark} ${summary({ ...op, id: shortId(op.id) }, outcome)}`;
    if (outcome.message) this.messages.push(`opwatch: ${neutralize(outcome.message)}`);
    this.render();
  }

  private line(op: OpView, state: LiveState, now: number): string {
    if (state.final) return state.final;
    const c = this.colors;
    const frames = SPINNER.frames;
    const parts = [
      c.cyan(frames[this.frame % frames.length] ?? "-"),
      c.bold(`${op.provider} ${printable(shortId(op.id))}`),
    ];
    const status = state.status;
    if (status) {
      parts.push(status.state);
      if (status.progress !== undefined) parts.push(`${bar(status.progress)} ${Math.round(status.progress * 100)}%`);
      if (status.rawStatus && status.rawStatus !== status.state) parts.push(c.dim(`(${printable(status.rawStatus)})`));
    } else {
      parts.push(c.dim("waiting for the first answer"));
    }
    const seconds = (ms: number, round: (n: number) => number) => formatDuration(round(Math.max(0, ms) / 1000) * 1000);
    const tail = [seconds(now - op.startedAt, Math.floor)];
    if (state.retry && state.nextAt !== undefined) {
      tail.push(c.yellow(retryText(state.retry, Math.ceil(Math.max(0, state.nextAt - now) / 1000) * 1000)));
    } else if (state.inFlight) {
      tail.push("polling…");
    } else if (state.nextAt !== undefined) {
      const why = state.nextWhy ? ` ${c.yellow(`(${state.nextWhy})`)}` : "";
      tail.push(`next poll in ${seconds(state.nextAt - now, Math.ceil)}${why}`);
    } else if (state.answeredAt !== undefined) {
      tail.push(`polled ${seconds(now - state.answeredAt, Math.floor)} ago`);
    }
    return `${parts.join(" ")} ${c.dim("·")} ${tail.join(c.dim(" · "))}`;
  }

  private render(): void {
    if (this.closed) return;
    this.frame += 1;
    const now = Date.now();
    // One screen line per operation, cut to the width: wrapped, the block would grow and shrink as it changes.
    const width = this.width() - 1;
    this.log(this.ops.map((op) => fit(this.line(op, this.stateOf(op), now), width)).join("\n"));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    // The summaries stay on the screen, whole (wrapped if need be): nothing redraws them any more.
    this.log.clear();
    const now = Date.now();
    const lines = this.ops.map((op) => this.line(op, this.stateOf(op), now));
    if (lines.length) this.stream.write(`${lines.join("\n")}\n`);
    for (const message of this.messages) this.sink.err(message);
  }
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: a colour code is what is kept whole
const COLOUR_OR_CHAR = /\u001b\[[0-9;]*m|[\s\S]/gu;

/** `line` cut to `width` characters on the screen (colour codes kept, `…` where it was cut). */
export function fit(line: string, width: number): string {
  const tokens = line.match(COLOUR_OR_CHAR) ?? [];
  if (tokens.filter((t) => !t.startsWith("\u001b")).length <= width) return line;
  let shown = 0;
  let cut = "";
  for (const token of tokens) {
    if (token.startsWith("\u001b")) cut += token;
    else if (shown < width - 1) {
      cut += token;
      shown += 1;
    }
  }
  return `${cut}…${line.includes("\u001b") ? "\u001b[0m" : ""}`;
}

/** `bdc8fb5d…` for a long id, so that a line fits 80 columns. */
function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

function bar(progress: number, width = 12): string {
  const filled = Math.max(0, Math.min(width, Math.round(progress * width)));
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}
