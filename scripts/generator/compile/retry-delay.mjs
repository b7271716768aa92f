// @ts-check
// Rule kind: a retry delay inside the error body (`errorBody.retryDelay`: google.rpc.RetryInfo's `"3s"`, at a
// pointer or in the entry of `error.details` with its `@type`). Only a spec that has one gets `retryDelay`, so
// other providers' apps never carry the reading.
import { q } from "./emit.mjs";

/**
 * Emits `retryDelay(body)` when the spec has one; returns whether it did.
 * @param {import("./emit.mjs").Emit} emit @param {string | { pointer: string, entry: object, field: string } | undefined} where
 */
export function compileRetryDelay(emit, where) {
  if (where === undefined) return false;
  const value =
    typeof where === "string"
      ? emit.read("body", where)
      : emit.read(`${emit.use("findEntry")}(${emit.read("body", where.pointer)}, ${q(where.entry)})`, where.field);
  emit.functions.push(`/** Seconds of the retry delay an error body states, where the spec says. */
function retryDelay(body: unknown): number | undefined {
  return ${emit.use("parseDelaySeconds")}(${value});
}`);
  return true;
}
