// The normalizer read from a description at run time: the interpreter behind `describedProvider`. The
// generated providers write the same reading out as code (scripts/generator/compile/).
import { own, textOf } from "../body-fields.js";
import type {
  FailureDescription,
  OperationState,
  ProviderDescription,
  StateMapping,
  StateRule,
  StatusDescription,
  TimestampDescription,
} from "../description.js";
import { readPointer, readString } from "../pointer.js";
import { meets } from "../shapes/entries.js";
import { epochDate } from "../shapes/epoch.js";
import { joinedText } from "../shapes/failure-text.js";
import { readProgress } from "../shapes/progress.js";
import { resultUrlOf } from "../shapes/result-url.js";
import type { OperationSnapshot } from "../snapshot.js";
import { isTerminal, type OperationRef, type OperationStatus } from "../status.js";
import { failureOf, fallbackId, redirectStatus, timestampReader } from "../status-parts.js";

/** Turns one read into the normalized status, following the spec's `x-opwatch` description. */
export function toOperationStatus<Raw>(
  description: ProviderDescription,
  snapshot: OperationSnapshot<Raw>,
  baseUrl: string,
): OperationStatus<Raw> {
  const adapter = description.adapter;
  const provider = description.name;
  const params = snapshot.params;

  const redirectState = adapter.redirects?.[String(snapshot.httpStatus)];
  if (redirectState && snapshot.body === undefined) {
    return redirectStatus(provider, snapshot as OperationSnapshot, baseUrl, redirectState) as OperationStatus<Raw>;
  }

  const ref: OperationRef = { provider, endpoint: snapshot.endpoint, params, baseUrl };
  const body = snapshot.body;
  const rawStatus =
    adapter.status.header !== undefined ? snapshot.statusHeader : readString(body, adapter.status.pointer);
  // An answer that carries the state itself (202 while running, 204 when done) has no body to read.
  const answerState = adapter.answers?.[String(snapshot.httpStatus)];
  if (answerState && body === undefined && rawStatus === undefined) {
    return redirectStatus(provider, snapshot as OperationSnapshot, baseUrl, answerState) as OperationStatus<Raw>;
  }
  const mapped = stateOf(adapter.status, body, rawStatus);
  // When the body decides nothing, the HTTP answer's state (`answers`: Snowflake's 202 running, 422 failed).
  const state = mapped.state === "unknown" && answerState !== undefined ? answerState : mapped.state;
  // A rule's own failure pointers are read in what it matched (a Kubernetes condition).
  const at = mapped.failure === undefined ? undefined : mapped.found;
  return {
    provider,
    id: readString(body, adapter.id) || fallbackId(params),
    ref,
    state,
    done: isTerminal(state),
    rawStatus,
    progress: readProgress(body, adapter.progress),
    createdAt: readTimestamp(body, adapter.createdAt),
    updatedAt: readTimestamp(body, adapter.updatedAt),
    error:
      state === "failed" || state === "canceled"
        ? failureOf(
            state,
            rawStatus,
            mapped.code ??
              (mapped.failure ? readString(at, mapped.failure.code) : textOf(own(mapped.found, "code"))) ??
              readString(body, adapter.failure?.code),
            (mapped.failure ? joinedText(at, mapped.failure.message) : textOf(own(mapped.found, "message"))) ??
              joinedText(body, adapter.failure?.message),
          )
        : undefined,
    resultUrl:
      state === "succeeded" && adapter.resultUrl !== undefined
        ? resultUrlOf(readPointer(body, adapter.resultUrl))
        : undefined,
    raw: body,
  };
}

/** Shared and frozen when it comes from a status map: read only. */
export interface MappedState {
  readonly state: OperationState;
  /** What decided it: `when/<index>` for a rule, `map/<word>` for a status word; absent for `unknown`. */
  readonly by?: string;
  readonly code?: string;
  /**
   * What a rule matched: the failure object a `present` rule found (Google's `error`: its `code` and `message`
   * are the failure's), or the array entry of an `entry` rule.
   */
  readonly found?: unknown;
  /** The rule's own failure pointers, read in `found`. */
  readonly failure?: FailureDescription;
}

/**
 * The state of one body under `x-opwatch.status`: the first `when` rule that matches, else the status
 * word (a string, number or boolean at `pointer`) looked up in `map` case-insensitively, else `unknown`.
 * `raw` is that word when the caller has already read it.
 */
export function stateOf(
  status: StatusDescription,
  body: unknown,
  raw: string | undefined = readString(body, status.pointer),
): MappedState {
  const rules = status.when;
  for (let index = 0; rules !== undefined && index < rules.length; index++) {
    const rule = rules[index] as StateRule;
    const matched = meets(body, rule);
    if (matched === undefined) continue;
    // What it matched hands over the failure: a present object (Google's `error`) or an array entry.
    const found =
      rule.present === true ||
      rule.failure !== undefined ||
      rule.entry !== undefined ||
      (rule.all?.some((condition) => condition.entry !== undefined) ?? false);
    return {
      state: rule.state,
      by: `when/${index}`,
      ...(rule.code ? { code: rule.code } : {}),
      ...(found ? { found: matched.at } : {}),
      ...(rule.failure ? { failure: rule.failure } : {}),
    };
  }
  if (raw === undefined || !status.map) return UNKNOWN;
  if (status.default !== undefined) {
    // Any word not in the map has the spec's default state (an open set of in-progress words).
    return wordsOf(status.map).states.get(raw.trim().toLowerCase()) ?? { state: status.default, by: "default" };
  }
  // A poll reads the same word again and again: the last one's state is kept with the map.
  const words = wordsOf(status.map);
  if (raw !== words.lastRaw) {
    words.last = words.states.get(raw.trim().toLowerCase()) ?? UNKNOWN;
    words.lastRaw = raw;
  }
  return words.last;
}

/** What a status word maps to, shared (frozen): `unknown`, and each word of a map. */
const UNKNOWN: MappedState = Object.freeze({ state: "unknown" });

/** A status map's states by lower-cased word (the first spelling wins), and the last word looked up. */
interface Words {
  readonly states: Map<string, MappedState>;
  lastRaw: string | undefined;
  last: MappedState;
}

/** Built once per status map. */
const lowerCased = new WeakMap<object, Words>();
function wordsOf(map: Readonly<Record<string, StateMapping>>): Words {
  let words = lowerCased.get(map);
  if (words === undefined) {
    const states = new Map<string, MappedState>();
    for (const [word, mapping] of Object.entries(map)) {
      if (states.has(word.toLowerCase())) continue;
      const by = `map/${word}`;
      const state: MappedState =
        typeof mapping === "string"
          ? { state: mapping, by }
          : { state: mapping.state, by, ...(mapping.code ? { code: mapping.code } : {}) };
      states.set(word.toLowerCase(), Object.freeze(state));
    }
    words = { states, lastRaw: undefined, last: UNKNOWN };
    lowerCased.set(map, words);
  }
  return words;
}

/** A timestamp reader per pointer (bounded: anyone may make descriptions). */
const timestampFields = new Map<string, (value: unknown) => Date | undefined>();

function readTimestamp(body: unknown, where: TimestampDescription | undefined): Date | undefined {
  if (where === undefined) return undefined;
  if (typeof where !== "string") return epochDate(readPointer(body, where.pointer), where.epoch);
  const pointer = where;
  let read = timestampFields.get(pointer);
  if (read === undefined) {
    if (timestampFields.size >= 256) timestampFields.clear();
    read = timestampReader();
    timestampFields.set(pointer, read);
  }
  return read(readPointer(body, pointer));
}
