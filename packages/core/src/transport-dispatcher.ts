/// <reference types="node" />
// Whether fetch's global dispatcher is one that reads over node:http lose nothing to: none set, or the plain
// `Agent` that Node's own copy of undici made for itself (on the first fetch, or the first use of Headers,
// Request or Response). Anything else — undici's npm package (which installs an Agent of its own when it
// loads), an Agent made with any option, a subclass, `.compose()`, a proxy or mock agent, a dispatcher whose
// `dispatch` was replaced before it was installed — keeps reads on fetch. Each dispatcher is judged when a read
// first sees it: changing it in place afterwards (or patching Agent.prototype) is not noticed. Used by the Node transport only (no node: imports, and
// out of every other bundle).

/** Where undici keeps fetch's global dispatcher: undici ≤ 7 in the first, undici ≥ 8 in the second. */
const LEGACY = Symbol.for("undici.globalDispatcher.1");
const CURRENT = Symbol.for("undici.globalDispatcher.2");

/** The file name V8 gives Node's bundled undici (where Node's own fetch comes from too). */
const NODE_UNDICI = "node:internal/deps/undici/undici";

/**
 * True when no global dispatcher is set, or the one set is provably the default Node's fetch made.
 * Each dispatcher object is judged once; the verdict is kept by identity. @internal
 */
export function dispatcherIsNodeDefault(): boolean {
  const slots = globalThis as unknown as Record<symbol, unknown>;
  const legacy = slots[LEGACY];
  const current = slots[CURRENT];
  if (current === undefined) return legacy === undefined || isNodeDefault(legacy);
  // undici ≥ 8 reads the second slot and keeps a wrapper of the same dispatcher in the first.
  return isNodeDefault(current) && (legacy === undefined || className(legacy) === "Dispatcher1Wrapper");
}

const verdicts = new WeakMap<object, boolean>();

function isNodeDefault(dispatcher: unknown): boolean {
  if (typeof dispatcher !== "object" || dispatcher === null) return false;
  let verdict = verdicts.get(dispatcher);
  if (verdict === undefined) {
    try {
      verdict = judge(dispatcher);
    } catch {
      verdict = false; // a getter or constructor that throws proves nothing
    }
    verdicts.set(dispatcher, verdict);
  }
  return verdict;
}

const className = (value: unknown): unknown =>
  (value as { constructor?: { name?: unknown } } | null | undefined)?.constructor?.name;

/**
 * The dispatcher's class is exactly an `Agent` whose code is Node's bundled undici (not a subclass, not the
 * npm package's), and its settings are those of an Agent made by that class with no options.
 */
function judge(dispatcher: object): boolean {
  const proto = Object.getPrototypeOf(dispatcher) as { constructor?: unknown } | null;
  const Agent = proto?.constructor;
  if (typeof Agent !== "function" || Agent.prototype !== proto || Agent.name !== "Agent") return false;
  // Undici's own Agent extends its DispatcherBase; a subclass (whose constructor may be elided) extends Agent.
  if ((Object.getPrototypeOf(Agent) as { name?: unknown }).name !== "DispatcherBase") return false;
  if (!inNodeUndici(Agent)) return false;
  return sameSetup(dispatcher, Reflect.construct(Agent, []) as object);
}

/**
 * Where a class's code lives, told by V8 itself: constructing it with `null` throws in its own frame (it
 * destructures its options), and that frame's file name is Node's bundled undici for Node's Agent only.
 * Error's stack hooks are swapped for the duration and put back.
 */
function inNodeUndici(Agent: unknown): boolean {
  const hadPrepare = Object.hasOwn(Error, "prepareStackTrace");
  const { prepareStackTrace, stackTraceLimit } = Error;
  try {
    Error.prepareStackTrace = (_error, sites) => sites;
    Error.stackTraceLimit = 1;
    try {
      Reflect.construct(Agent as new (options: null) => unknown, [null]);
    } catch (error) {
      const sites = (error as { stack?: unknown } | null)?.stack;
      return Array.isArray(sites) && (sites[0] as NodeJS.CallSite | undefined)?.getFileName() === NODE_UNDICI;
    }
    return false;
  } catch {
    return false; // frozen intrinsics: nothing provable
  } finally {
    if (hadPrepare) Error.prepareStackTrace = prepareStackTrace;
    else delete (Error as { prepareStackTrace?: unknown }).prepareStackTrace;
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/** Undici's symbol-keyed settings of an Agent, by the symbols' descriptions (6.x, 7.x and 8.x). */
const SETTINGS = new Set(["options", "factory", "maxRedirections", "dispatch interceptors"]);

/**
 * Whether `candidate` is set up as `fresh` (an Agent of its class made with no options): the same settings
 * (its options, factory, redirect limit, interceptors), and no own property that `fresh` lacks (a
 * replaced `dispatch`). State (its connection pools, listeners, closed flags) is not compared. An undici
 * whose Agent keeps no `options` is not one this check knows: nothing is proven then.
 */
function sameSetup(candidate: object, fresh: object): boolean {
  const names = new Set(Object.getOwnPropertyNames(fresh));
  for (const name of Object.getOwnPropertyNames(candidate)) if (!names.has(name)) return false;
  const wanted = settingsOf(fresh);
  const got = settingsOf(candidate);
  if (!wanted.has("options") || got.size !== wanted.size) return false;
  for (const [name, value] of wanted) if (!got.has(name) || !same(got.get(name), value)) return false;
  return true;
}

function settingsOf(agent: object): Map<string, unknown> {
  const settings = new Map<string, unknown>();
  for (const symbol of Object.getOwnPropertySymbols(agent)) {
    const name = symbol.description;
    if (name !== undefined && SETTINGS.has(name)) settings.set(name, (agent as Record<symbol, unknown>)[symbol]);
  }
  return settings;
}

/**
 * Equal settings: the same value, arrays and plain objects of equal settings, or functions of the same
 * source (undici makes its redirect interceptor anew for each Agent).
 */
function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a === "function" && typeof b === "function") {
    return Function.prototype.toString.call(a) === Function.prototype.toString.call(b);
  }
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => same(v, b[i]));
  if (!isPlain(a) || !isPlain(b)) return false;
  const keys = Reflect.ownKeys(a);
  if (keys.length !== Reflect.ownKeys(b).length) return false;
  return keys.every((key) => Object.hasOwn(b, key) && same(a[key], b[key]));
}

function isPlain(value: unknown): value is Record<PropertyKey, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
