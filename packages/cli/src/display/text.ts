// The words the plain and live displays (and `opwatch get`) share for a status, a retry and a summary.
import type { OperationStatus, OpwatchError, PollEvent } from "opwatch";
import { formatDuration } from "../duration.js";
import { MESSAGE_CHARS, printable } from "./printable.js";
import type { OpView, Outcome } from "./types.js";

/** Scheduling reasons that come from the provider, in words; the others are our own pacing. */
export const PUSHBACK: Partial<Record<Extract<PollEvent, { type: "scheduled" }>["reason"], string>> = {
  "retry-after": "Retry-After",
  pushback: "the provider asked to slow down",
};

/**
 * `running 43% (Started)`, with the error or result when there is one. The server's words (status word,
 * failure code and message, result URL) are capped and their control characters neutralized.
 */
export function describeStatus(status: OperationStatus): string {
  const parts: string[] = [status.state];
  if (status.progress !== undefined) parts.push(`${Math.round(status.progress * 100)}%`);
  if (status.rawStatus && status.rawStatus !== status.state) parts.push(`(${printable(status.rawStatus)})`);
  if (status.error) {
    const code = status.error.code ? `${printable(status.error.code)}: ` : "";
    parts.push(`- ${code}${printable(String(status.error.message), MESSAGE_CHARS)}`);
  }
  if (status.resultUrl) parts.push(`-> ${printable(status.resultUrl, MESSAGE_CHARS)}`);
  return parts.join(" ");
}

/** `HTTP 503`, `network error`, … */
export function shortError(error: OpwatchError): string {
  if (error.httpStatus !== undefined) return `HTTP ${error.httpStatus}`;
  if (error.name === "NetworkError") return "network error";
  return error.name;
}

export function retryText(event: Extract<PollEvent, { type: "retry" }>, remainingMs = event.delayMs): string {
  const asked = event.error.retryAfter !== undefined ? " (Retry-After)" : "";
  return `${shortError(event.error)}, retrying in ${formatDuration(remainingMs)}${asked}`;
}

export function summary(op: OpView, outcome: Outcome): string {
  const requests = `${outcome.requests} request${outcome.requests === 1 ? "" : "s"}`;
  const what = outcome.status ? describeStatus(outcome.status) : outcome.result;
  const result = outcome.status?.done ? what : `${outcome.result}${outcome.status ? ` (last: ${what})` : ""}`;
  return `${op.provider} ${printable(op.id)} ${result} in ${formatDuration(outcome.durationMs)} (${requests})`;
}
