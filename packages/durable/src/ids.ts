import { createHash } from "node:crypto";
import type { OperationRef } from "opwatch";

/** Canonical JSON: object keys sorted, so that two spellings of one ref hash alike. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/** The wait's id: a hash of its ref, so that the same operation enqueued twice is one wait. */
export function waitIdOf(ref: OperationRef): string {
  return createHash("sha256").update(canonical(ref)).digest("hex").slice(0, 32);
}

/** The id of the job that runs step `seq` of a wait: sending it twice inserts it once. */
export function stepJobId(waitId: string, seq: number): string {
  const hex = createHash("sha256").update(`${waitId}:${seq}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
