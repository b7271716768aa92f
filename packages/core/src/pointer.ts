/** Reads an RFC 6901 JSON pointer; `undefined` when any step is missing. */
export function readPointer(value: unknown, pointer: string): unknown {
  if (pointer === "") return value;
  let current = value;
  for (const raw of pointer.slice(1).split("/")) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

export function readString(value: unknown, pointer: string | undefined): string | undefined {
  if (pointer === undefined) return undefined;
  const found = readPointer(value, pointer);
  if (typeof found === "string") return found;
  if (typeof found === "number") return String(found);
  return undefined;
}
