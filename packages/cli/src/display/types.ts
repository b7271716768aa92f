// What the output modes share: the operation shown, how it ended, and the Display each mode implements.
import type { OperationRef, OperationStatus, PollEvent } from "opwatch";
import type { ExitCode } from "../exit-codes.js";

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
  /** Shows an operation before its first event (the live display draws a line for it at once). */
  add?(op: OpView): void;
  event(op: OpView, event: PollEvent): void;
  outcome(op: OpView, outcome: Outcome): void;
  /** Flushes and stops drawing; safe to call twice. */
  close(): void;
}

export interface Sink {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** A terminal the live display draws on (`process.stdout` when it is a TTY). */
export interface TerminalStream {
  /** Writes text as is (escape codes included). */
  write(chunk: string): boolean;
  /** Its width in columns, when known (else COLUMNS, else 80): lines are cut to fit. */
  columns?: number;
  /** Its height in rows, when known: the display draws at most one line fewer (24 when unknown). */
  rows?: number;
}
