// @ts-check
// Rule kind: the result URL. `x-opwatch.resultUrl` points to where a succeeded operation's result is (fal's
// `response_url`); it becomes a `resultUrlOf` read (an absolute http(s) URL or nothing), only once succeeded.

/**
 * The expression of `resultUrl` in toStatus. @param {import("./emit.mjs").Emit} emit
 * @param {string | undefined} pointer
 */
export function compileResultUrl(emit, pointer) {
  if (pointer === undefined) return "undefined";
  return `state === "succeeded" ? ${emit.use("resultUrlOf")}(${emit.read("body", pointer)}) : undefined`;
}
