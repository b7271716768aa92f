import { capText, MAX_FIELD_CHARS } from "./cap.js";
import type {
  FailureDescription,
  OperationState,
  ProviderDescription,
  StateMapping,
  StateRule,
  StatusDescription,
  TimestampDescription,
} from "./description.js";
import { readPointer, readString, readTokens, tokensOf } from "./pointer.js";
import { meets } from "./shapes/entries.js";
import { epochMs } from "./shapes/epoch.js";
import { readProgress } from "./shapes/progress.js";
import type { OperationSnapshot } from "./snapshot.js";
import { timestampMs } from "./timestamps.js";

/** Plain JSON naming one operation: enough to poll it again from another process. */
export interface OperationRef {
  provider: string;
  /** The endpoint that reads it: the operationId of one of the provider's poll endpoints. */
  endpoint: string;
  /** Its path parameters (`operation_id`, or `zone_id` + `task_id`, …): strings, or numbers for integer ids. */
  params: Record<string, string | number>;
  /** Where it lives, region included. */
  baseUrl: string;
}

/** One provider's answer in the shape shared by every provider. */
export interface OperationStatus<Raw = unknown> {
  provider: string;
  id: string;
  ref: OperationRef;
  state: OperationState;
  /** True once the state is terminal: succeeded, failed or canceled. */
  done: boolean;
  /** The provider's own status word, as sent (kept when it maps to `unknown`). */
  rawStatus: string | undefined;
  /** 0..1 where the provider reports progress. */
  progress: number | undefined;
  createdAt: Date | undefined;
  updatedAt: Date | undefined;
  /** Why it failed, when it failed. */
  error: { code?: string; message: string } | undefined;
  /** Where the result lives when the provider redirects to it (Keycard's install). Never followed. */
  resultUrl: string | undefined;
  /** The typed provider body of the last 200; `undefined` after a redirect. */
  raw: Raw | undefined;
}

/** Whether an operation in `state` is over: `succeeded`, `failed` or `canceled`. */
export function isTerminal(state: OperationState): boolean {
  return state === "succeeded" || state === "failed" || state === "canceled";
}

/** Turns one read into the normalized status, following the spec's `x-opwatch` description. */
export function toOperationStatus<Raw>(
  description: ProviderDescription,
  snapshot: OperationSnapshot<Raw>,
  baseUrl: string,
): OperationStatus<Raw> {
  const adapter = description.adapter;
  const provider = description.name;
  const params = snapshot.params;
  const ref: OperationRef = { provider, endpoint: snapshot.endpoint, params, baseUrl };

  const redirectState = adapter.redirects?.[String(snapshot.httpStatus)];
  if (redirectState && snapshot.body === undefined) {
    return {
      provider,
      id: fallbackId(params),
      ref,
      state: redirectState,
      done: isTerminal(redirectState),
      rawStatus: undefined,
      progress: redirectState === "succeeded" ? 1 : undefined,
      createdAt: undefined,
      updatedAt: undefined,
      error: undefined,
      resultUrl: snapshot.location,
      raw: undefined,
    };
  }

  const body = snapshot.body;
  const answerState = body === undefined ? adapter.answers?.[String(snapshot.httpStatus)] : undefined;
  const rawStatus =
    adapter.status.header !== undefined ? snapshot.statusHeader : readString(body, adapter.status.pointer);
  // An answer that carries the state itself (202 while running, 204 when done) has no body to read.
  const mapped: MappedState =
    answerState !== undefined && rawStatus === undefined
      ? { state: answerState, by: `answers/${snapshot.httpStatus}` }
      : stateOf(adapter.status, body, rawStatus);
  const state = mapped.state;
  return {
    provider,
    id: readString(body, adapter.id) || fallbackId(params),
    ref,
    state,
    done: isTerminal(state),
    rawStatus,
    progress: mapped.state === "succeeded" && body === undefined ? 1 : readProgress(body, adapter.progress),
    createdAt: readTimestamp(body, adapter.createdAt),
    updatedAt: readTimestamp(body, adapter.updatedAt),
    error: state === "failed" || state === "canceled" ? failure(adapter, mapped, body, rawStatus) : undefined,
    resultUrl: undefined,
    raw: body,
  };
}

/** The id of an operation whose body names none: its last path parameter. */
function fallbackId(params: Readonly<Record<string, unknown>>): string {
  return String(Object.values(params).at(-1) ?? "");
}

/** Why an operation failed or was canceled (read only then): a failed one always gets a message. */
function failure(
  adapter: ProviderDescription["adapter"],
  mapped: MappedState,
  body: unknown,
  rawStatus: string | undefined,
): OperationStatus["error"] {
  const at = mapped.at ?? body;
  const message =
    readString(body, mapped.message) ?? joined(at, mapped.failure?.message) ?? joined(body, adapter.failure?.message);
  const code =
    mapped.code ??
    readString(body, mapped.codePointer) ??
    readString(at, mapped.failure?.code) ??
    readString(body, adapter.failure?.code);
  if (mapped.state === "failed") {
    return {
      ...(code ? { code } : {}),
      message:
        message || `Operation ended ${rawStatus === undefined ? "failed" : capText(rawStatus, MAX_FIELD_CHARS)}.`,
    };
  }
  return message ? { ...(code ? { code } : {}), message } : undefined;
}

/** The text of one pointer, or of several joined with ": " (a reason and a message); `undefined` when none is there. */
function joined(body: unknown, message: FailureDescription["message"]): string | undefined {
  if (typeof message === "string" || message === undefined) return readString(body, message);
  const parts: string[] = [];
  for (const pointer of message) {
    const part = readString(body, pointer)?.trim();
    if (part) parts.push(part);
  }
  return parts.length > 0 ? parts.join(": ") : undefined;
}

/** Shared and frozen when it comes from a status map: read only. */
export interface MappedState {
  readonly state: OperationState;
  /** What decided it: `when/<index>` for a rule, `map/<word>` for a status word; absent for `unknown`. */
  readonly by?: string;
  readonly code?: string;
  /** Pointers to the failure's code and message next to the rule that matched (`/error/code`). */
  readonly codePointer?: string;
  readonly message?: string;
  /** The rule's own failure pointers, read in `at`. */
  readonly failure?: FailureDescription;
  /** What the rule matched in: the array entry of an `entry` condition (a Kubernetes condition). */
  readonly at?: unknown;
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
    const value = matched.at;
    // A failure object found by presence (Google's `error`) carries its own code and message.
    const nested = rule.present === true && rule.failure === undefined && value !== null && typeof value === "object";
    return {
      state: rule.state,
      by: `when/${index}`,
      ...(rule.code ? { code: rule.code } : {}),
      ...(nested ? { codePointer: `${rule.pointer}/code`, message: `${rule.pointer}/message` } : {}),
      ...(rule.failure ? { failure: rule.failure, at: value } : {}),
    };
  }
  if (raw === undefined || !status.map) return UNKNOWN;
  if (status.default !== undefined) return mappedOrDefault(status, raw);
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

/** A word of the map, else the spec's `default` for any other word (an open set of in-progress words). */
function mappedOrDefault(status: StatusDescription, raw: string): MappedState {
  const found = wordsOf(status.map as Readonly<Record<string, StateMapping>>).states.get(raw.trim().toLowerCase());
  return found ?? { state: status.default as OperationState, by: "default" };
}

/**
 * A timestamp field of the descriptions, by pointer: its tokens, and the last text read there with what it
 * parsed to. A poll reads the same `createdAt` again and again; each status still gets its own `Date`.
 */
class TimestampField {
  text: string | undefined = undefined;
  ms = Number.NaN;
  constructor(readonly tokens: readonly string[]) {}
}
const timestampFields = new Map<string, TimestampField>();

function readTimestamp(body: unknown, where: TimestampDescription | undefined): Date | undefined {
  if (where === undefined) return undefined;
  if (typeof where !== "string") {
    const ms = epochMs(readPointer(body, where.pointer), where.epoch);
    return Number.isNaN(ms) ? undefined : new Date(ms);
  }
  const pointer = where;
  let field = timestampFields.get(pointer);
  if (field === undefined) {
    // Bounded like the pointer cache: a description is a few pointers, but anyone may make descriptions.
    if (timestampFields.size >= 256) timestampFields.clear();
    field = new TimestampField(tokensOf(pointer));
    timestampFields.set(pointer, field);
  }
  const value = readTokens(body, field.tokens);
  if (typeof value !== "string" || value === "") return undefined;
  if (value !== field.text) {
    field.ms = timestampMs(value);
    field.text = value;
  }
  return Number.isNaN(field.ms) ? undefined : new Date(field.ms);
}
