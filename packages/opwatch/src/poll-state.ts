import { type OperationRef, type OperationStatus, parseTimestamp, ValidationError } from "@opwatch/core";
import { keepStatus, lastStatus, rareOf } from "./last-status.js";
import type { Wait } from "./wait.js";

/** A wait's progress as plain JSON: store it anywhere and pass it to the next `step`. */
export interface PollState {
  v: 1;
  /** Epoch ms when the wait started. */
  startedAt: number;
  /** Epoch ms after which the wait ends with TimeoutError. */
  deadline: number;
  /** Reads sent so far. */
  attempt: number;
  /** Transient failures in a row. */
  failures: number;
  etag?: string;
  /** The last status seen (`OperationStatus` as JSON: dates as ISO strings). */
  last?: unknown;
  /** The first progress sample, to measure the progress rate from. */
  pacing?: { at: number; progress: number };
}

/** The JSON form of a wait's state. */
export function toPollState(w: Wait): PollState {
  const state: PollState = {
    v: 1,
    startedAt: w.startedAt,
    deadline: w.deadline,
    attempt: w.attempt,
    failures: w.rare?.failures ?? 0,
  };
  if (w.etag !== undefined) state.etag = w.etag;
  if (w.state !== undefined) state.last = JSON.parse(JSON.stringify(lastStatus(w)));
  const rare = w.rare;
  if (rare?.sampleAt !== undefined && rare.sampleProgress !== undefined) {
    state.pacing = { at: rare.sampleAt, progress: rare.sampleProgress };
  }
  return state;
}

/** Reads a PollState back (from JSON) into a new step's wait; refuses anything else with a ValidationError,
 * and a state whose last status is another operation's: its ETag and status are not this one's. */
export function restoreState(w: Wait, state: PollState): void {
  const count = (n: unknown) => Number.isInteger(n) && (n as number) >= 0;
  const ok =
    state?.v === 1 &&
    [state.startedAt, state.deadline].every(Number.isFinite) &&
    count(state.attempt) &&
    count(state.failures) &&
    (state.etag === undefined || typeof state.etag === "string") &&
    (state.last === undefined || (typeof state.last === "object" && state.last !== null)) &&
    (state.pacing === undefined ||
      (Number.isFinite(state.pacing?.at) &&
        typeof state.pacing.progress === "number" &&
        state.pacing.progress >= 0 &&
        state.pacing.progress <= 1));
  if (!ok) {
    throw new ValidationError(
      "A poll state must be the `state` of an earlier step, as JSON: { v: 1, startedAt, deadline, attempt, failures, … }.",
    );
  }
  const json = state.last as Record<string, unknown> | undefined;
  const own = w.ctx.ref(w.params);
  if (own && json && !sameOperation(json, own)) {
    throw new ValidationError(
      `This poll state is another operation's (${String(json.provider)} ${String(json.id)}): pass the state of this operation's previous step.`,
      { provider: own.provider },
    );
  }
  w.start = w.ctx.scheduler.relative(state.startedAt);
  const rare = rareOf(w);
  rare.deadline = state.deadline;
  w.attempt = state.attempt;
  rare.failures = state.failures;
  w.etag = state.etag;
  rare.sampleAt = state.pacing?.at;
  rare.sampleProgress = state.pacing?.progress;
  if (json) {
    // Kept as an answer's status is (its raw body too: a step's state carries it).
    const status = {
      ...json,
      createdAt: parseTimestamp(json.createdAt),
      updatedAt: parseTimestamp(json.updatedAt),
    } as unknown as OperationStatus;
    keepStatus(w, status, true);
  }
}

/** Whether a status read back from JSON is of the operation `own` names: same provider, and the ids its ref
 * has (the path parameters) equal to the ref's. */
function sameOperation(last: Record<string, unknown>, own: OperationRef): boolean {
  if (last.provider !== own.provider) return false;
  const ref = last.ref as Partial<OperationRef> | undefined;
  const params = ref?.params;
  if (params === null || typeof params !== "object") return true;
  if (ref?.baseUrl !== undefined && ref.baseUrl !== own.baseUrl) return false;
  return Object.entries(params).every(([key, value]) => sameParam(value, own.params[key]));
}

/** Whether a status's path parameter (validated: a number for a numeric parameter) is the ref's, however
 * the ref spells the number (`"1e3"`, `"1000.0"`, `1000`: the ref's are checked, not rewritten). */
function sameParam(stored: unknown, given: unknown): boolean {
  if (typeof stored !== "number") return String(stored) === String(given);
  const number = typeof given === "string" && given.trim() !== "" ? Number(given) : given;
  return number === stored;
}
