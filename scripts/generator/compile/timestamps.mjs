// @ts-check
// Rule kind: timestamps. `createdAt` and `updatedAt` each get a reader of core's `timestampReader` (RFC 3339,
// or ECL's zone-less UTC), which keeps the last text it parsed: a poll reads the same text again and again.

/**
 * The expression of one timestamp field in toStatus.
 * @param {import("./emit.mjs").Emit} emit @param {string | undefined} pointer @param {string} field `CreatedAt`
 */
export function compileTimestamp(emit, pointer, field) {
  if (pointer === undefined) return "undefined";
  const reader = emit.constant(`read${field}`, `/* @__PURE__ */ ${emit.use("timestampReader")}()`);
  return `${reader}(${emit.read("body", pointer)})`;
}
