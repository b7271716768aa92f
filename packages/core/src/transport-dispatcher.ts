/// <reference types="node" />
// When reads may leave fetch for node:http (the Node transport only: out of every other bundle). The rule,
// by identity alone:
// - `globalThis.fetch` is the function it was when @opwatch/core was loaded;
// - fetch's global dispatcher is the one Node's fetch made for itself. That is known only when no
//   dispatcher was set when @opwatch/core was loaded: the Node transport then has Node make its own at once
//   (`new Headers()` loads Node's fetch, which installs its default Agent) and remembers it. Any dispatcher
//   set since (a proxy, a mock, undici's npm package, a composed default) keeps reads on fetch; so does any
//   dispatcher already set at load, which cannot be told from Node's own without reading Node's internals.
// Nothing else is looked at: an app that sets up fetch before opwatch is imported (a preload, a module
// imported first) and wants its reads through that fetch passes the `fetch` option.

/** Where undici keeps fetch's global dispatcher: undici ≤ 7 in the first, undici ≥ 8 in the second. */
const LEGACY = Symbol.for("undici.globalDispatcher.1");
const CURRENT = Symbol.for("undici.globalDispatcher.2");

/** The two slots now. */
function dispatchers(): [unknown, unknown] {
  const slots = globalThis as unknown as Record<symbol, unknown>;
  return [slots[LEGACY], slots[CURRENT]];
}

/**
 * `globalThis.fetch` and fetch's dispatchers as this module found them, or `undefined` when a dispatcher was
 * already set (nothing can be proven then). @internal
 */
export interface FetchAtLoad {
  readonly fetch: unknown;
  readonly dispatchers: readonly [unknown, unknown] | undefined;
}

/** Records what {@link FetchAtLoad} says, letting Node's fetch make its default dispatcher first. @internal */
export function recordFetchAtLoad(): FetchAtLoad {
  const fetch = globalThis.fetch;
  const [legacy, current] = dispatchers();
  if (legacy !== undefined || current !== undefined || typeof Headers !== "function") {
    return { fetch, dispatchers: undefined };
  }
  new Headers(); // loads Node's fetch, which installs its own default dispatcher
  return { fetch, dispatchers: dispatchers() };
}

/** Whether fetch is as it was at load, by the rule above. @internal */
export function fetchUnchangedSince(load: FetchAtLoad): boolean {
  if (typeof globalThis.fetch !== "function" || globalThis.fetch !== load.fetch) return false;
  const known = load.dispatchers;
  if (known === undefined) return false;
  const [legacy, current] = dispatchers();
  return legacy === known[0] && current === known[1];
}
