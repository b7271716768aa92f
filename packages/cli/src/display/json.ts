import { capText } from "@opwatch/core";
import type { OperationStatus, PollEvent } from "opwatch";
import { FIELD_CHARS, jsonLine, MESSAGE_CHARS } from "./printable.js";
import type { Display, OpView, Outcome, Sink } from "./types.js";

/**
 * NDJSON on stdout: every event with `type` and `time`, then one `outcome` record per operation. Each
 * record is one line with no control character in it (see `jsonLine`); the server's strings are capped.
 */
export class JsonDisplay implements Display {
  constructor(private readonly sink: Sink) {}

  private write(record: Record<string, unknown>): void {
    this.sink.out(jsonLine(record));
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

  close(): void {}
}

/** A status as JSON; the strings a server sent (id, status word, failure, result URL) capped. */
export function statusJson(status: OperationStatus) {
  const error = status.error;
  return {
    provider: status.provider,
    id: capped(status.id, FIELD_CHARS),
    state: status.state,
    done: status.done,
    rawStatus: capped(status.rawStatus, FIELD_CHARS),
    progress: status.progress ?? null,
    createdAt: status.createdAt?.toISOString() ?? null,
    updatedAt: status.updatedAt?.toISOString() ?? null,
    error: error
      ? {
          ...(error.code === undefined ? {} : { code: capped(error.code, FIELD_CHARS) }),
          message: capped(String(error.message), MESSAGE_CHARS),
        }
      : null,
    resultUrl: capped(status.resultUrl, MESSAGE_CHARS),
    ref: status.ref,
  };
}

const capped = (text: string | undefined, max: number): string | null =>
  text === undefined ? null : capText(text, max);

/** An error as JSON: its own `toJSON()` (opwatch errors, redacted) or its name and message. */
export function errorJson(error: unknown): Record<string, unknown> | null {
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
