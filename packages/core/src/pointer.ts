// The one JSON-pointer follower of the repository: core's normalizer, the generator, the spec lint
// and the testkit all read bodies and specs through it.

/** The reference tokens of an RFC 6901 JSON pointer, `~1` and `~0` decoded (`/a/b~1c` → `a`, `b/c`). */
export function pointerTokens(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((raw) => raw.replace(/~1/g, "/").replace(/~0/g, "~"));
}

/**
 * The tokens of the pointers read again and again (every read of a body follows the description's few
 * pointers), worked out once. Keyed by the pointer itself, so a description changed in place is still read
 * right; bounded, since the generator and the spec lint also follow the pointers of whole documents.
 */
const compiled = new Map<string, readonly string[]>();
const COMPILED_MAX = 512;

/** The decoded tokens of a pointer, from the cache. @internal */
export function tokensOf(pointer: string): readonly string[] {
  let tokens = compiled.get(pointer);
  if (tokens === undefined) {
    tokens = pointerTokens(pointer);
    if (compiled.size >= COMPILED_MAX) compiled.clear();
    compiled.set(pointer, tokens);
  }
  return tokens;
}

/** Reads an RFC 6901 JSON pointer (`/a/b~1c`); `undefined` when any step is missing. */
export function readPointer(value: unknown, pointer: string): unknown {
  return readTokens(value, tokensOf(pointer));
}

/** Follows decoded tokens (own properties only); `undefined` when any step is missing. @internal */
export function readTokens(value: unknown, tokens: readonly string[]): unknown {
  let current = value;
  for (let i = 0; i < tokens.length; i++) {
    if (current === null || typeof current !== "object") return undefined;
    const key = tokens[i] as string;
    if (!Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Reads a scalar as a string: strings as they are, numbers and booleans spelled as JSON spells them. */
export function readString(value: unknown, pointer: string | undefined): string | undefined {
  if (pointer === undefined) return undefined;
  const found = readPointer(value, pointer);
  if (typeof found === "string") return found;
  if (typeof found === "number" || typeof found === "boolean") return String(found);
  return undefined;
}

/**
 * Follows a local `$ref` chain (`#/components/schemas/X`, a URI fragment: percent-decoded, then read as a
 * JSON pointer) to the node it names; non-local refs and missing targets give `undefined`.
 */
// biome-ignore lint/suspicious/noExplicitAny: a node of a parsed OpenAPI document, of any shape.
export function deref(document: unknown, node: unknown): any {
  let current = node;
  const seen = new Set<string>();
  while (current !== null && typeof current === "object" && typeof (current as { $ref?: unknown }).$ref === "string") {
    const ref = (current as { $ref: string }).$ref;
    if (!ref.startsWith("#") || seen.has(ref)) return undefined;
    seen.add(ref);
    current = readPointer(document, decodeURIComponent(ref.slice(1)));
  }
  return current;
}
