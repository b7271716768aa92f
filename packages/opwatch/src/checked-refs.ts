import type { OperationRef } from "@opwatch/core";

/**
 * A target that passed the checks: a copy of its ref that stays inside the watcher (what a read is
 * sent for; callers get copies of their own), and the client it is read through, once known.
 */
export interface Checked<Client> {
  readonly ref: OperationRef;
  client: Client | undefined;
}

/**
 * A ref object that passed the checks, which are a pure function of its strings and its `params`' own
 * values (its path parameters had to be own properties). Refs are plain data their owner may change, so
 * each use compares them again: the same strings, the same `params` object holding the same own keys, each
 * with the same value (`Object.is`) as the copy.
 */
interface CheckedObject<Client> extends Checked<Client> {
  readonly params: object;
  readonly count: number;
}

/** The targets of one watcher that passed its checks: ref objects while unchanged, status URLs (bounded). */
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
    const checked = { ref: ownCopy(ref), client: undefined };
    if (this.#urls.size >= 256) this.#urls.clear();
    this.#urls.set(url, checked);
    return checked;
  }

  /** Keeps a ref object that just passed the checks, unless a path parameter was not its own. */
  object(target: OperationRef, pathParams: readonly { name: string }[]): Checked<Client> {
    const { params } = target;
    const ref = ownCopy(target);
    const checked = { ref, client: undefined, params, count: Object.keys(ref.params).length };
    if (pathParams.every((param) => Object.hasOwn(params, param.name))) this.#objects.set(target, checked);
    return checked;
  }
}

/** The watcher's own copy of a ref. Not frozen: freezing gave each copy's params a hidden class of its own
 * (~0.3 kB per wait); nothing outside the watcher ever sees it (callers get copies). */
function ownCopy(ref: OperationRef): OperationRef {
  const { provider, endpoint, params, baseUrl } = ref;
  return { provider, endpoint, params: { ...params }, baseUrl };
}

function unchanged(target: OperationRef, seen: CheckedObject<unknown>): boolean {
  const { ref } = seen;
  const params = target.params;
  if (
    target.provider !== ref.provider ||
    target.endpoint !== ref.endpoint ||
    target.baseUrl !== ref.baseUrl ||
    params !== seen.params
  ) {
    return false;
  }
  let count = 0;
  for (const key in params) {
    if (!Object.hasOwn(params, key)) continue;
    if (!Object.hasOwn(ref.params, key) || !Object.is(params[key], ref.params[key])) return false;
    count++;
  }
  return count === seen.count;
}
