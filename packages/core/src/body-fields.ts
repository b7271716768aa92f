// Reading fields of a provider's JSON body, as the generated normalizers do: one property at a time, own
// properties only, so a body's prototype (`__proto__`, `constructor`) is never read. @internal

/** `value[key]` when `value` is an object that has `key` as its own property, else undefined. @internal */
export function own(value: unknown, key: string): unknown {
  return value !== null && typeof value === "object" && Object.hasOwn(value, key)
    ? (value as Record<string, unknown>)[key]
    : undefined;
}

/** A scalar as text: strings as they are, numbers and booleans spelled as JSON spells them. @internal */
export function textOf(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** Whether a value is the text `lowerCased`, compared trimmed and case-insensitively (a rule's `equals`). @internal */
export const textIs = (value: unknown, lowerCased: string): boolean =>
  typeof value === "string" && value.trim().toLowerCase() === lowerCased;
