import type { OperationRef } from "@opwatch/core";

/**
 * A target that passed the checks: a frozen copy of its ref that stays inside the watcher (what a read is
 * sent for; callers get copies of their own), and the client it is read through, once known.
 */
export interface Checked<Client> {
  readonly ref: OperationRef;
  client: Client | undefined;
}

/**
 * What a ref object was checked as: a poll passes the same ref again and again, and the checks are a pure
 * function of these. Refs are plain data their owner may change, so each use compares them again: the
 * same strings, the same `params` object with the same own keys in the same order, each holding the same
 * value (`Object.is`). Its path parameters had to be own properties (what the checks read).
 */
interface CheckedObject<Client> extends Checked<Client> {
  readonly provider: string;
  readonly endpoint: string;
  readonly baseUrl: string;
  readonly params: object;
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
}

/** Status URLs kept (a string's ref never changes); bounded. */
const URLS_MAX = 256;

/** The targets of one watcher that passed its checks: ref objects while unchanged, status URLs. */
export class CheckedRefs<Client> {
  readonly #objects = new WeakMap<object, CheckedObject<Client>>();
  readonly #urls = new Map<string, Checked<Client>>();

  /** The checked form of a target seen before, or `undefined` when it must be checked (again). */
  lookup(target: OperationRef | string): Checked<Client> | undefined {
    if (typeof target === "string") return this.#urls.get(target);
    const seen = typeof target === "object" && target !== null ? this.#objects.get(target) : undefined;
    return seen !== undefined && unchanged(target, seen) ? seen : undefined;
  }

  /** Keeps the ref a status URL parsed into. */
  url(url: string, ref: OperationRef): Checked<Client> {
    Object.freeze(ref.params);
    const checked = { ref: Object.freeze(ref), client: undefined };
    if (this.#urls.size >= URLS_MAX) this.#urls.clear();
    this.#urls.set(url, checked);
    return checked;
  }

  /** Keeps a ref object that just passed the checks, unless a path parameter was not its own. */
  object(target: OperationRef, pathParams: readonly { name: string }[]): Checked<Client> {
    const { params } = target;
    const ref: OperationRef = Object.freeze({
      provider: target.provider,
      endpoint: target.endpoint,
      params: Object.freeze({ ...params }),
      baseUrl: target.baseUrl,
    });
    const keys: string[] = [];
    const values: unknown[] = [];
    for (const key in params) {
      if (!Object.hasOwn(params, key)) continue;
      keys.push(key);
      values.push(params[key]);
    }
    const checked: CheckedObject<Client> = {
      ref,
      client: undefined,
      provider: ref.provider,
      endpoint: ref.endpoint,
      baseUrl: ref.baseUrl,
      params,
      keys,
      values,
    };
    if (pathParams.every((param) => Object.hasOwn(params, param.name))) this.#objects.set(target, checked);
    return checked;
  }
}

function unchanged(target: OperationRef, seen: CheckedObject<unknown>): boolean {
  if (target.provider !== seen.provider || target.endpoint !== seen.endpoint || target.baseUrl !== seen.baseUrl) {
    return false;
  }
  const params = target.params;
  if (params !== seen.params) return false;
  const { keys, values } = seen;
  let count = 0;
  for (const key in params) {
    if (!Object.hasOwn(params, key)) continue;
    if (key !== keys[count] || !Object.is(params[key], values[count])) return false;
    count++;
  }
  return count === keys.length;
}
