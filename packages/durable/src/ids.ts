import { createHash } from "node:crypto";
import type { OperationRef } from "opwatch";

/**
 * Canonical JSON of a ref: object keys sorted, and path parameters as strings (`42` and `"42"` are one
 * operation's), so that two spellings of one operation hash alike.
 */
function canonical(ref: OperationRef): string {
  const params = Object.keys(ref.params)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${JSON.stringify(String(ref.params[key]))}`);
  return `{"baseUrl":${JSON.stringify(ref.baseUrl)},"endpoint":${JSON.stringify(ref.endpoint)},"params":{${params.join(",")}},"provider":${JSON.stringify(ref.provider)}}`;
}

/** The wait's id: a hash of its ref, so that the same operation enqueued twice is one wait. */
export function waitIdOf(ref: OperationRef): string {
  return createHash("sha256").update(canonical(ref)).digest("hex").slice(0, 32);
}

/** A wait id as printed and stored (32 hex digits). */
export const WAIT_ID = /^[0-9a-f]{32}$/;

/** The lower-cased scheme and host of a base URL: the key of its request slots. */
export function originOf(baseUrl: string): string {
  const match = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(baseUrl);
  return (match?.[0] ?? baseUrl).toLowerCase();
}
