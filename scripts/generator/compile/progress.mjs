// @ts-check
// Rule kind: progress. `x-opwatch.progress` (a number and the scale it counts to) becomes one call of
// core's `progressOf`; a spec without it reads no progress.

/** The expression of `progress` in toStatus. @param {import("./emit.mjs").Emit} emit @param {any} progress */
export function compileProgress(emit, progress) {
  if (!progress) return "undefined";
  return `${emit.use("progressOf")}(${emit.read("body", progress.pointer)}, ${progress.scale})`;
}
