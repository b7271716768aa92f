// @ts-check
// Rule kind: timestamps. `createdAt` and `updatedAt` each get a reader of core's `timestampReader` (RFC 3339,
// or ECL's zone-less UTC), which keeps the last text it parsed: a poll reads the same text again and again;
// a field the spec declares as epoch numbers is read by `epochDate`.

/**
 * The expression of one timestamp field in toStatus.
 * @param {import("./emit.mjs").Emit} emit @param {string | { pointer: string, epoch: string } | undefined} where
 * @param {string} field `CreatedAt`
 */
export function compileTimestamp(emit, where, field) {
  if (where === undefined) return "undefined";
  // An epoch number (seconds or milliseconds), as the spec declares.
  if (typeof where === "object")
    return `${emit.use("epochDate")}(${emit.read("body", where.pointer)}, ${JSON.stringify(where.epoch)})`;
  const pointer = where;
  const reader = emit.constant(`read${field}`, `/* @__PURE__ */ ${emit.use("timestampReader")}()`);
  return `${reader}(${emit.read("body", pointer)})`;
}
