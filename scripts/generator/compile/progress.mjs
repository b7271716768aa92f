// @ts-check
// Rule kind: progress. `x-opwatch.progress` (a number and the scale it counts to) becomes one call of
// core's `progressOf`, or with `of` (a number over another field) one of `ratioOf`; a spec without it reads no
// progress.

/** The expression of `progress` in toStatus. @param {import("./emit.mjs").Emit} emit @param {any} progress */
export function compileProgress(emit, progress) {
  if (!progress) return "undefined";
  // The ratio of two fields (a Kubernetes Job's succeeded / completions).
  if (progress.of !== undefined)
    return `${emit.use("ratioOf")}(${emit.read("body", progress.pointer)}, ${emit.read("body", progress.of)})`;
  return `${emit.use("progressOf")}(${emit.read("body", progress.pointer)}, ${progress.scale})`;
}
