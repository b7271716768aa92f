import type { OperationRef, OperationStatus, OpwatchError } from "@opwatch/core";
import type { Params, ReadContext } from "./read-context.js";
import type { Wait } from "./wait.js";

/**
 * What a wait rarely holds, in one object made only when needed: the parts of the last status that a
 * running operation of the wait's own provider does not have (another ref, a failure, a result URL, the raw
 * body kept for `onEvent`, progress), the transient failures in a row and the last one, the first progress
 * sample, and a step's deadline read back from its state.
 */
export interface Rare {
  provider?: string;
  ref?: OperationRef;
  done?: boolean;
  error?: OperationStatus["error"];
  resultUrl?: string;
  raw?: unknown;
  progress?: number;
  failures?: number;
  lastError?: OpwatchError;
  sampleAt?: number;
  sampleProgress?: number;
  deadline?: number;
}

export const rareOf = (w: Wait): Rare => {
  w.rare ??= {};
  return w.rare;
};

/** What kept dates count from: this module's load, so that a server's dates of the weeks around it are
 * whole numbers in 32 bits, which V8 keeps unboxed (two `Date`s are ~0.2 kB, two boxed epoch ms 32 B). */
const EPOCH = Date.now();

/** An epoch-ms date as a wait keeps it. */
export function compactTime(ms: number | undefined): number | undefined {
  if (ms === undefined) return undefined;
  const relative = ms - EPOCH;
  return relative === (relative | 0) ? relative | 0 : relative;
}

/** The epoch ms of a kept date. */
export function instant(kept: number | undefined): number | undefined {
  return kept === undefined ? undefined : kept + EPOCH;
}

const date = (kept: number | undefined) => (kept === undefined ? undefined : new Date(kept + EPOCH));

/** Status words seen, shared: each wait's copy of "Running" would be a string of its own. Bounded. */
const words = new Map<string, string>();

export function shared(word: string | undefined): string | undefined {
  if (word === undefined || word.length > 32) return word;
  const known = words.get(word);
  if (known !== undefined) return known;
  if (words.size < 256) words.set(word, word);
  return word;
}

/** The status's id, as the string of the wait's parameter that spells it when there is one (one string
 * for both). */
function idOf(id: string, params: Params | undefined): string {
  if (params) for (const value of Object.values(params)) if (value === id) return value;
  return id;
}

/** Whether `ref` is the one the wait's context and parameters make (what a read of it answers with). */
function isOwn(ref: OperationRef | undefined, w: Wait): boolean {
  const own = w.ctx.ref(w.params);
  return own !== undefined && JSON.stringify(ref) === JSON.stringify(own);
}

/** Whether a state is terminal (as core's providers set `done`). */
export const isOver = (state: string): boolean => state === "succeeded" || state === "failed" || state === "canceled";

/**
 * Keeps a status as the wait's last (a copy of its parts: the status itself went out to the caller). The
 * raw body is kept only when `withRaw` (someone will be handed this status again, raw included).
 */
export function keepStatus(w: Wait, status: OperationStatus, withRaw: boolean): void {
  w.id = idOf(status.id, w.params);
  w.state = status.state;
  w.rawStatus = shared(status.rawStatus);
  w.createdAt = compactTime(status.createdAt?.getTime());
  w.updatedAt = compactTime(status.updatedAt?.getTime());
  const own = isOwn(status.ref, w);
  const raw = withRaw ? status.raw : undefined;
  if (
    w.rare === undefined &&
    own &&
    status.provider === w.ctx.provider &&
    status.done === isOver(status.state) &&
    status.error === undefined &&
    status.resultUrl === undefined &&
    status.progress === undefined &&
    raw === undefined
  ) {
    return;
  }
  const rare = rareOf(w);
  rare.provider = status.provider;
  rare.ref = own || !status.ref ? undefined : copyRef(status.ref);
  rare.done = status.done;
  rare.error = status.error;
  rare.resultUrl = status.resultUrl;
  rare.raw = raw;
  rare.progress = status.progress;
}

/** Whether a status differs from the wait's last in what a caller sees change. */
export function differs(w: Wait, b: OperationStatus): boolean {
  return (
    w.state !== b.state ||
    w.rare?.progress !== b.progress ||
    w.rawStatus !== b.rawStatus ||
    w.updatedAt !== compactTime(b.updatedAt?.getTime()) ||
    w.rare?.resultUrl !== b.resultUrl
  );
}

const copyRef = (ref: OperationRef): OperationRef => ({ ...ref, params: { ...ref.params } });

/** The wait's last status as a whole `OperationStatus` again: a new object each time. */
export function lastStatus(w: Wait): OperationStatus | undefined {
  const { state, rare } = w;
  if (state === undefined) return undefined;
  const ctx: ReadContext = w.ctx;
  return {
    provider: (rare?.provider ?? ctx.provider) as string,
    id: w.id as string,
    ref: rare?.ref ? copyRef(rare.ref) : (ctx.ref(w.params) as OperationRef),
    state,
    done: rare?.done ?? isOver(state),
    rawStatus: w.rawStatus,
    progress: rare?.progress,
    createdAt: date(w.createdAt),
    updatedAt: date(w.updatedAt),
    error: rare?.error,
    resultUrl: rare?.resultUrl,
    raw: rare?.raw,
  };
}
