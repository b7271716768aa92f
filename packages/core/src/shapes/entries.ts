// Matching fields, in a body or in the entries of an array (Kubernetes' `status.conditions[]`): the
// conditions of `x-opwatch.status.when` rules, one pure function each.
import type { Condition, EntryMatch, StateRule } from "../description.js";
import { readPointer } from "../pointer.js";

/** A value a rule compares with: a string (compared case-insensitively), a number, a boolean or null. */
type Scalar = string | number | boolean | null;

/** Whether `value` is `expected`: strings trimmed and case-insensitively, other scalars exactly. */
export function sameScalar(value: unknown, expected: Scalar | undefined): boolean {
  if (typeof value === "string" && typeof expected === "string")
    return value.trim().toLowerCase() === expected.toLowerCase();
  return value === expected;
}

/**
 * The first entry of the array `list` whose every field named in `fields` is that scalar (Kubernetes'
 * condition `{ type: Failed, status: "True" }`, in any position); `undefined` when none is, or `list` is
 * not an array. Field names are own properties of the entry, or JSON pointers into it when they start with `/`.
 */
export function findEntry(list: unknown, fields: EntryMatch): object | undefined {
  if (!Array.isArray(list)) return undefined;
  const names = Object.keys(fields);
  for (const entry of list) {
    if (entry === null || typeof entry !== "object") continue;
    let all = true;
    for (let i = 0; all && i < names.length; i++) {
      const name = names[i] as string;
      const value = name.startsWith("/")
        ? readPointer(entry, name)
        : Object.hasOwn(entry, name)
          ? (entry as Record<string, unknown>)[name]
          : undefined;
      all = sameScalar(value, fields[name]);
    }
    if (all) return entry;
  }
  return undefined;
}

/**
 * Whether `body` meets a condition (a rule of `x-opwatch.status.when`, or one of its `all`). What it matched in
 * is returned (the array entry an `entry` condition found, the object a `present: true` found, else the body) so
 * a rule can read its failure there; `undefined` when it does not match. With `all`, every condition must hold
 * (AND), and the first entry matched is returned (else the last match).
 */
export function meets(
  body: unknown,
  condition: Condition | Omit<StateRule, "state">,
): { readonly at: unknown } | undefined {
  const all = (condition as StateRule).all;
  if (all !== undefined) {
    let found: { readonly at: unknown } | undefined;
    let last: { readonly at: unknown } | undefined;
    for (const part of all) {
      last = meets(body, part);
      if (last === undefined) return undefined;
      if (found === undefined && part.entry !== undefined) found = last;
    }
    return found ?? last;
  }
  if (condition.pointer === undefined) return undefined;
  const value = readPointer(body, condition.pointer);
  if (condition.entry !== undefined) {
    const entry = findEntry(value, condition.entry);
    return entry === undefined ? undefined : { at: entry };
  }
  if (condition.present !== undefined) {
    const there = value !== undefined && value !== null;
    return there === condition.present ? { at: there ? value : body } : undefined;
  }
  return sameScalar(value, condition.equals) ? { at: body } : undefined;
}
