import cliSpinners from "cli-spinners";
import { createLogUpdate } from "log-update";
import type { OperationRef, OperationStatus, OpwatchError, PollEvent } from "opwatch";
import picocolors from "picocolors";
import { formatDuration } from "./duration.js";
import type { ExitCode } from "./exit-codes.js";

/** One operation being shown. */
export interface OpView {
  /** 1-based, in command-line order. */
  readonly index: number;
  readonly provider: string;
  readonly id: string;
  readonly ref: OperationRef;
  readonly startedAt: number;
}

/** How one operation ended. */
export interface Outcome {
  readonly exitCode: ExitCode;
  /** The final status, when the operation ended (or the last one seen). */
  readonly status?: OperationStatus | undefined;
  readonly error?: unknown;
  /** What went wrong, in CLI words, one line (absent when the operation succeeded). */
  readonly message?: string | undefined;
  /** `opwatch wait '<ref>'`, when the wait can be resumed (timeout, interrupt). */
  readonly resume?: string | undefined;
  /** One word for the summary: the final state, or timeout, interrupted, error. */
  readonly result: string;
  readonly durationMs: number;
  readonly requests: number;
}

export interface Display {
  event(op: OpView, event: PollEvent): void;
  outcome(op: OpView, outcome: Outcome): void;
  /** A failure that belongs to no operation (a usage error), in CLI words. */
  problem(message: string, exitCode: ExitCode, error?: unknown): void;
  /** Flushes and stops drawing; safe to call twice. */
  close(): void;
}

export interface Sink {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** Scheduling reasons that come from the provider, in words; the others are our own pacing. */
const PUSHBACK: Partial<Record<Extract<PollEvent, { type: "scheduled" }>["reason"], string>> = {
  "retry-after": "Retry-After",
  pushback: "the provider asked to slow down",
};

const timestamp = (at: number) => new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z");

/** `running 43% (Started)`, with the error or result when there is one. */
export function describeStatus(status: OperationStatus): string {
  const parts: string[] = [status.state];
  if (status.progress !== undefined) parts.push(`${Math.round(status.progress * 100)}%`);
  if (status.rawStatus && status.rawStatus !== status.state) parts.push(`(${status.rawStatus})`);
  if (status.error) parts.push(`- ${status.error.code ? `${status.error.code}: ` : ""}${status.error.message}`);
  if (status.resultUrl) parts.push(`-> ${status.resultUrl}`);
  return parts.join(" ");
}

/** `HTTP 503`, `network error`, … */
export function shortError(error: OpwatchError): string {
  if (error.httpStatus !== undefined) return `HTTP ${error.httpStatus}`;
  if (error.name === "NetworkError") return "network error";
  return error.name;
}

function retryText(event: Extract<PollEvent, { type: "retry" }>, remainingMs = event.delayMs): string {
  const asked = event.error.retryAfter !== undefined ? " (Retry-After)" : "";
  return `${shortError(event.error)}, retrying in ${formatDuration(remainingMs)}${asked}`;
}

function summary(op: OpView, outcome: Outcome): string {
  const requests = `${outcome.requests} request${outcome.requests === 1 ? "" : "s"}`;
  const what = outcome.status ? describeStatus(outcome.status) : outcome.result;
  const result = outcome.status?.done ? what : `${outcome.result}${outcome.status ? ` (last: ${what})` : ""}`;
  return `${op.provider} ${op.id} ${result} in ${formatDuration(outcome.durationMs)} (${requests})`;
}

/** Plain lines, each with a UTC timestamp: for pipes, CI logs, `--quiet`. No control codes, no colour. */
export class PlainDisplay implements Display {
  /** Operations whose last event was a retry line (its `scheduled` event adds nothing). */
  private readonly retrying = new Set<number>();

  constructor(
    private readonly sink: Sink,
    private readonly quiet: boolean,
  ) {}

  event(op: OpView, event: PollEvent): void {
    if (this.quiet) return;
    const line = (text: string) => this.sink.out(`${timestamp(event.at)} ${op.provider} ${op.id} ${text}`);
    if (event.type === "status" && event.changed && !event.status.done) line(describeStatus(event.status));
    else if (event.type === "retry") {
      this.retrying.add(op.index);
      line(retryText(event));
    } else if (event.type === "scheduled") {
      const why = PUSHBACK[event.reason];
      if (why && !this.retrying.has(op.index)) line(`next poll in ${formatDuration(event.delayMs)} (${why})`);
      this.retrying.delete(op.index);
    }
  }

  outcome(op: OpView, outcome: Outcome): void {
    this.sink.out(`${timestamp(Date.now())} ${summary(op, outcome)}`);
    if (outcome.message) this.sink.err(`opwatch: ${outcome.message}`);
  }

  problem(message: string): void {
    this.sink.err(`opwatch: ${message}`);
  }

  close(): void {}
}

/** NDJSON on stdout: every event with `type` and `time`, then one `outcome` record per operation. */
export class JsonDisplay implements Display {
  constructor(private readonly sink: Sink) {}

  private write(record: Record<string, unknown>): void {
    this.sink.out(JSON.stringify(record));
  }

  event(op: OpView, event: PollEvent): void {
    const base = {
      type: event.type,
      time: new Date(event.at).toISOString(),
      op: op.index,
      provider: op.provider,
      id: op.id,
    };
    const details: Record<string, unknown> =
      event.type === "request"
        ? { attempt: event.attempt }
        : event.type === "status"
          ? { changed: event.changed, status: statusJson(event.status) }
          : event.type === "retry"
            ? { delayMs: event.delayMs, failures: event.failures, error: errorJson(event.error) }
            : event.type === "scheduled"
              ? { delayMs: event.delayMs, reason: event.reason }
              : { state: event.status.state, requests: event.requests };
    this.write({ ...base, ...details });
  }

  outcome(op: OpView, outcome: Outcome): void {
    const time = new Date().toISOString();
    if (outcome.error !== undefined) {
      this.write({
        type: "error",
        time,
        op: op.index,
        provider: op.provider,
        id: op.id,
        message: outcome.message,
        error: errorJson(outcome.error),
      });
    }
    this.write({
      type: "outcome",
      time,
      op: op.index,
      provider: op.provider,
      id: op.id,
      result: outcome.result,
      state: outcome.status?.state ?? null,
      exitCode: outcome.exitCode,
      durationMs: Math.round(outcome.durationMs),
      requests: outcome.requests,
      status: outcome.status ? statusJson(outcome.status) : null,
      message: outcome.message ?? null,
      resume: outcome.resume ?? null,
      ref: op.ref,
    });
  }

  problem(message: string, exitCode: ExitCode, error?: unknown): void {
    this.write({ type: "error", time: new Date().toISOString(), exitCode, message, error: errorJson(error) });
  }

  close(): void {}
}

export function statusJson(status: OperationStatus) {
  return {
    provider: status.provider,
    id: status.id,
    state: status.state,
    done: status.done,
    rawStatus: status.rawStatus ?? null,
    progress: status.progress ?? null,
    createdAt: status.createdAt?.toISOString() ?? null,
    updatedAt: status.updatedAt?.toISOString() ?? null,
    error: status.error ?? null,
    resultUrl: status.resultUrl ?? null,
    ref: status.ref,
  };
}

function errorJson(error: unknown): Record<string, unknown> | null {
  if (error === undefined || error === null) return null;
  if (error instanceof Error) {
    const json =
      typeof (error as { toJSON?: unknown }).toJSON === "function"
        ? (error as unknown as { toJSON(): Record<string, unknown> }).toJSON()
        : { name: error.name, message: error.message };
    return json;
  }
  return { name: "Error", message: String(error) };
}

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

export interface TerminalStream {
  write(chunk: string): boolean;
  columns?: number;
  rows?: number;
}

/**
 * The live view on a terminal: one line per operation, redrawn in place (log-update) — spinner, state,
 * a progress bar when progress is known, elapsed time, time to the next poll or the retry under way —
 * then a summary line per operation that stays.
 */
export class LiveDisplay implements Display {
  private readonly states = new Map<number, LiveState>();
  private readonly ops: OpView[] = [];
  private readonly log: ReturnType<typeof createLogUpdate>;
  private readonly colors: ReturnType<typeof picocolors.createColors>;
  private readonly timer: ReturnType<typeof setInterval>;
  private readonly messages: string[] = [];
  private frame = 0;
  private closed = false;

  constructor(
    stream: TerminalStream,
    private readonly sink: Sink,
    color: boolean,
  ) {
    // A pseudo-terminal nobody sized (script, CI runners) reports 0 columns and 0 rows: assume 80x24.
    const sized = {
      write: (chunk: string) => stream.write(chunk),
      get columns() {
        return stream.columns || 80;
      },
      get rows() {
        return stream.rows || 24;
      },
    };
    this.log = createLogUpdate(sized as unknown as NodeJS.WriteStream);
    this.colors = picocolors.createColors(color);
    this.timer = setInterval(() => this.render(), cliSpinners.dots.interval);
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
    if (outcome.message) this.messages.push(`opwatch: ${outcome.message}`);
    this.render();
  }

  problem(message: string): void {
    this.messages.push(`opwatch: ${message}`);
  }

  private line(op: OpView, state: LiveState, now: number): string {
    if (state.final) return state.final;
    const c = this.colors;
    const frames = cliSpinners.dots.frames;
    const parts = [c.cyan(frames[this.frame % frames.length] ?? "-"), c.bold(`${op.provider} ${shortId(op.id)}`)];
    const status = state.status;
    if (status) {
      parts.push(status.state);
      if (status.progress !== undefined) parts.push(`${bar(status.progress)} ${Math.round(status.progress * 100)}%`);
      if (status.rawStatus && status.rawStatus !== status.state) parts.push(c.dim(`(${status.rawStatus})`));
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
    this.log(this.ops.map((op) => this.line(op, this.stateOf(op), now)).join("\n"));
  }

  close(): void {
    if (this.closed) return;
    this.render();
    this.closed = true;
    clearInterval(this.timer);
    this.log.done();
    for (const message of this.messages) this.sink.err(message);
  }
}

/** `bdc8fb5d…` for a long id, so that a line fits 80 columns. */
function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

function bar(progress: number, width = 12): string {
  const filled = Math.max(0, Math.min(width, Math.round(progress * width)));
  return `${"█".repeat(filled)}${"░".repeat(width - filled)}`;
}
