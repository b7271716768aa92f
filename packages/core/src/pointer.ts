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

/** Reads an RFC 6901 JSON pointer (`/a/b~1c`); `undefined` when any step is missing. */
export function readPointer(value: unknown, pointer: string): unknown {
  if (pointer.includes("~")) return pointerTokens(pointer).reduce(child, value);
  // Every read of a body follows a few pointers: walk the string itself, no token array.
  let current = value;
  for (let start = 1; start <= pointer.length; ) {
    let end = pointer.indexOf("/", start);
    if (end === -1) end = pointer.length;
    current = child(current, pointer.slice(start, end));
    start = end + 1;
  }
  return current;
}

function child(current: unknown, key: string): unknown {
  if (current === null || typeof current !== "object" || !Object.hasOwn(current, key)) return undefined;
  return (current as Record<string, unknown>)[key];
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
