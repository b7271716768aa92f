import { type OperationRef, type OperationStatus, parseTimestamp, ValidationError } from "@opwatch/core";

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

/** The last status as a wait keeps it between reads: its dates as whole ms after {@link EPOCH} (see
 * {@link instant}; two `Date`s are ~0.2 kB, two epoch ms 32 B of boxed numbers), and no `ref` when it is
 * the wait's own. */
export type Kept = Omit<OperationStatus, "createdAt" | "updatedAt" | "ref"> & {
  createdAt: number | undefined;
  updatedAt: number | undefined;
  ref: OperationRef | undefined;
};

/** What kept dates count from: this module's load, so that a server's dates of the weeks around it are
 * whole numbers in 32 bits, which V8 keeps unboxed. */
const EPOCH = Date.now();

/** An epoch-ms date as a status keeps it. */
export function compactTime(ms: number | undefined): number | undefined {
  if (ms === undefined) return undefined;
  const relative = ms - EPOCH;
  return relative === (relative | 0) ? relative | 0 : relative;
}

/** The epoch ms of a kept date. */
export function instant(kept: number | undefined): number | undefined {
  return kept === undefined ? undefined : kept + EPOCH;
}

/** Status words seen, shared: each wait's copy of "Running" would be a string of its own. Bounded. */
const words = new Map<string, string>();

function shared(word: string | undefined): string | undefined {
  if (word === undefined || word.length > 32) return word;
  const known = words.get(word);
  if (known !== undefined) return known;
  if (words.size < 256) words.set(word, word);
  return word;
}

/** The status's id, as the string of the ref's parameter that spells it when there is one (one string
 * for both). */
function idOf(id: string, ref: OperationRef | undefined): string {
  if (ref) for (const value of Object.values(ref.params)) if (value === id) return value;
  return id;
}

/** The compact form of a status (a copy: the status itself went out to the caller). `own` is the wait's ref;
 * the raw body is kept only when `withRaw` (someone will be handed this status again, raw included). */
export function keep(status: OperationStatus, own: OperationRef | undefined, withRaw: boolean): Kept {
  const ref = status.ref;
  return {
    ...status,
    id: idOf(status.id, own),
    rawStatus: shared(status.rawStatus),
    raw: withRaw ? status.raw : undefined,
    // None when it is the wait's own (compared as JSON, key order included), else a copy of its own.
    ref: own && JSON.stringify(ref) === JSON.stringify(own) ? undefined : copyRef(ref),
    createdAt: compactTime(status.createdAt?.getTime()),
    updatedAt: compactTime(status.updatedAt?.getTime()),
  };
}

const copyRef = (ref: OperationRef): OperationRef => ({ ...ref, params: { ...ref.params } });

const date = (kept: number | undefined) => (kept === undefined ? undefined : new Date(kept + EPOCH));

/** The full status again, from its compact form: a new object each time (the wait's own ref copied). */
export function full(kept: Kept, own: OperationRef | undefined): OperationStatus;
export function full(kept: Kept | undefined, own: OperationRef | undefined): OperationStatus | undefined;
export function full(kept: Kept | undefined, own: OperationRef | undefined): OperationStatus | undefined {
  if (!kept) return undefined;
  return {
    ...kept,
    ref: copyRef(kept.ref ?? (own as OperationRef)),
    createdAt: date(kept.createdAt),
    updatedAt: date(kept.updatedAt),
  };
}

/** What a wait carries between reads, as its PollState says it (a Wait is one of these). */
export interface WaitState {
  startedAt: number;
  deadline: number;
  attempt: number;
  failures: number;
  etag: string | undefined;
  /** The last status seen (the last change), compact: see {@link full}. */
  last: Kept | undefined;
  sampleAt: number | undefined;
  sampleProgress: number | undefined;
}

/** The JSON form of a wait's state (`own`: the wait's ref). */
export function toPollState(s: WaitState, own: OperationRef | undefined): PollState {
  const state: PollState = {
    v: 1,
    startedAt: s.startedAt,
    deadline: s.deadline,
    attempt: s.attempt,
    failures: s.failures,
  };
  if (s.etag !== undefined) state.etag = s.etag;
  if (s.last !== undefined) state.last = JSON.parse(JSON.stringify(full(s.last, own)));
  if (s.sampleAt !== undefined && s.sampleProgress !== undefined) {
    state.pacing = { at: s.sampleAt, progress: s.sampleProgress };
  }
  return state;
}

/** Reads a PollState back (from JSON) into `s`; refuses anything else with a ValidationError, and a state
 * whose last status is another operation's (`own`: the wait's ref): its ETag and status are not this one's. */
export function restoreState(s: WaitState, state: PollState, own?: OperationRef): void {
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
  if (own && json && !sameOperation(json, own)) {
    throw new ValidationError(
      `This poll state is another operation's (${String(json.provider)} ${String(json.id)}): pass the state of this operation's previous step.`,
      { provider: own.provider },
    );
  }
  s.startedAt = state.startedAt;
  s.deadline = state.deadline;
  s.attempt = state.attempt;
  s.failures = state.failures;
  s.etag = state.etag;
  s.last = json && {
    ...(json as unknown as Kept),
    createdAt: compactTime(parseTimestamp(json.createdAt)?.getTime()),
    updatedAt: compactTime(parseTimestamp(json.updatedAt)?.getTime()),
  };
  s.sampleAt = state.pacing?.at;
  s.sampleProgress = state.pacing?.progress;
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
