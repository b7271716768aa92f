import { type OperationRef, type OperationStatus, OpwatchError, TimeoutError } from "opwatch";
import type { StepOutcome } from "./contract.js";

/** How a wait ended. */
export type OutcomeKind = "succeeded" | "failed" | "canceled" | "timed_out" | "error";

/** An `OperationStatus` as stored: plain JSON, dates as ISO strings. */
export type StatusJson = Omit<OperationStatus, "createdAt" | "updatedAt"> & {
  createdAt?: string;
  updatedAt?: string;
};

/** What went wrong, for `timed_out` and `error` (an `OpwatchError`'s JSON: never a token). */
export interface OutcomeError {
  name: string;
  message: string;
  provider?: string;
  /** HTTP status of the answer that caused it, if there was one. */
  httpStatus?: number;
  code?: string;
  requestId?: string;
}

/** The one record a finished wait leaves. */
export interface Outcome {
  /** Position in the outcome log (increasing in commit order of the outcomes' inserts). */
  seq: number;
  waitId: string;
  ref: OperationRef;
  kind: OutcomeKind;
  /** The final normalized status; for `timed_out` and `error`, the last one seen (or null if none was). */
  status: StatusJson | null;
  error: OutcomeError | null;
  /** Poll steps taken (each one read, retries of transient failures included). */
  requests: number;
  enqueuedAt: Date;
  finishedAt: Date;
}

/** The row parts of an outcome, from a step that ended the wait. */
export function outcomeOf(step: Exclude<StepOutcome, { kind: "pending" }>): {
  kind: OutcomeKind;
  status: unknown;
  error: OutcomeError | null;
} {
  if (step.kind === "done") {
    const state = step.status.state;
    const kind: OutcomeKind = state === "succeeded" || state === "failed" || state === "canceled" ? state : "error";
    return { kind, status: toJson(step.status), error: null };
  }
  const { error } = step;
  const last = error instanceof TimeoutError && error.lastStatus ? toJson(error.lastStatus) : (step.state.last ?? null);
  return { kind: error instanceof TimeoutError ? "timed_out" : "error", status: last, error: errorJson(error) };
}

export function errorJson(error: unknown): OutcomeError {
  if (error instanceof OpwatchError) {
    const json = error.toJSON() as Record<string, unknown>;
    const out: OutcomeError = { name: error.name, message: error.message };
    if (typeof json.provider === "string") out.provider = json.provider;
    if (typeof json.httpStatus === "number") out.httpStatus = json.httpStatus;
    if (typeof json.code === "string") out.code = json.code;
    if (typeof json.requestId === "string") out.requestId = json.requestId;
    return out;
  }
  return { name: error instanceof Error ? error.name : "Error", message: String((error as Error)?.message ?? error) };
}

function toJson(status: unknown): unknown {
  return JSON.parse(JSON.stringify(status ?? null));
}

export interface OutcomeRow {
  seq: string | number;
  wait_id: string;
  kind: OutcomeKind;
  status: StatusJson | null;
  error: OutcomeError | null;
  ref: OperationRef;
  requests: number;
  enqueued_at: Date;
  finished_at: Date;
}

export function fromRow(row: OutcomeRow): Outcome {
  return {
    seq: Number(row.seq),
    waitId: row.wait_id,
    ref: row.ref,
    kind: row.kind,
    status: row.status,
    error: row.error,
    requests: row.requests,
    enqueuedAt: row.enqueued_at,
    finishedAt: row.finished_at,
  };
}
