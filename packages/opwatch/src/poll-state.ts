import { type OperationStatus, type OpwatchError, parseTimestamp, ValidationError } from "@opwatch/core";

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

/** The state a wait carries between steps; PollState is its JSON form. */
export interface LiveState {
  startedAt: number;
  deadline: number;
  attempt: number;
  failures: number;
  etag: string | undefined;
  last: OperationStatus | undefined;
  sampleAt: number | undefined;
  sampleProgress: number | undefined;
  lastError: OpwatchError | undefined;
}

export function startState(now: number, maxWaitMs: number): LiveState {
  return {
    startedAt: now,
    deadline: now + maxWaitMs,
    attempt: 0,
    failures: 0,
    etag: undefined,
    last: undefined,
    sampleAt: undefined,
    sampleProgress: undefined,
    lastError: undefined,
  };
}

/** The JSON form of a wait's state. */
export function toPollState(s: LiveState): PollState {
  const state: PollState = {
    v: 1,
    startedAt: s.startedAt,
    deadline: s.deadline,
    attempt: s.attempt,
    failures: s.failures,
  };
  if (s.etag !== undefined) state.etag = s.etag;
  if (s.last !== undefined) state.last = JSON.parse(JSON.stringify(s.last));
  if (s.sampleAt !== undefined && s.sampleProgress !== undefined) {
    state.pacing = { at: s.sampleAt, progress: s.sampleProgress };
  }
  return state;
}

/** Reads a PollState back (from JSON); refuses anything else with a ValidationError. */
export function fromPollState(state: PollState): LiveState {
  const ok =
    state !== null &&
    typeof state === "object" &&
    state.v === 1 &&
    [state.startedAt, state.deadline, state.attempt, state.failures].every(
      (n) => typeof n === "number" && Number.isFinite(n),
    ) &&
    (state.etag === undefined || typeof state.etag === "string") &&
    (state.last === undefined || (typeof state.last === "object" && state.last !== null)) &&
    (state.pacing === undefined ||
      (typeof state.pacing?.at === "number" && typeof state.pacing?.progress === "number"));
  if (!ok) {
    throw new ValidationError(
      "A poll state must be the `state` of an earlier step, as JSON: { v: 1, startedAt, deadline, attempt, failures, … }.",
    );
  }
  let last: OperationStatus | undefined;
  if (state.last !== undefined) {
    const json = state.last as Record<string, unknown>;
    last = {
      ...(json as unknown as OperationStatus),
      createdAt: parseTimestamp(json.createdAt),
      updatedAt: parseTimestamp(json.updatedAt),
    };
  }
  return {
    startedAt: state.startedAt,
    deadline: state.deadline,
    attempt: state.attempt,
    failures: state.failures,
    etag: state.etag,
    last,
    sampleAt: state.pacing?.at,
    sampleProgress: state.pacing?.progress,
    lastError: undefined,
  };
}
