// A retry delay sent in the error body rather than a header: google.rpc.RetryInfo's `retryDelay`, a
// google.protobuf.Duration in its JSON form ("3s", "1.500s"), inside `error.details[]` in any position.

import type { RetryDelayDescription } from "../description.js";
import { readPointer } from "../pointer.js";
import { findEntry } from "./entries.js";

/**
 * Seconds (rounded up) of a delay: a Duration's JSON form (`"3s"`, `"0.250s"`), or a plain number of
 * seconds; `undefined` for anything else, negative values included.
 */
export function parseDelaySeconds(value: unknown): number | undefined {
  let seconds: number;
  if (typeof value === "number") seconds = value;
  else if (typeof value === "string" && /^\s*\d+(\.\d{1,9})?s?\s*$/.test(value)) seconds = Number.parseFloat(value);
  else return undefined;
  // A server cannot park a wait for more than a day by itself.
  return Number.isFinite(seconds) && seconds >= 0 ? Math.min(86_400, Math.ceil(seconds)) : undefined;
}

/** Seconds the error body asks to wait, where the spec says it sits; `undefined` when it says nothing. */
export function readRetryDelay(body: unknown, where: RetryDelayDescription | undefined): number | undefined {
  if (where === undefined) return undefined;
  if (typeof where === "string") return parseDelaySeconds(readPointer(body, where));
  const entry = findEntry(readPointer(body, where.pointer), where.entry);
  return entry === undefined ? undefined : parseDelaySeconds(readPointer(entry, where.field));
}
