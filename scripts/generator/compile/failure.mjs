// @ts-check
// Rule kind: failure. Why an operation failed or was canceled: the code a rule or status word decided, else
// the failure object a `present` rule found (its `code` and `message`), else `x-opwatch.failure`'s pointers.
// Read only for a failed or canceled state; core's `failureOf` gives a failed one a message always.
import { messageOf } from "./status.mjs";

/**
 * @param {import("./emit.mjs").Emit} emit @param {any} failure `x-opwatch.failure`
 * @param {{ code: string | undefined, found: boolean, message?: string }} decided what the state rules hand over
 */
export function compileFailure(emit, failure, decided) {
  const codes = [];
  const messages = [];
  if (decided.code) codes.push(decided.code);
  if (decided.message) messages.push(decided.message);
  if (decided.found) {
    codes.push(`${emit.use("textOf")}(${emit.use("own")}(rule?.found, "code"))`);
    messages.push(`${emit.use("textOf")}(${emit.use("own")}(rule?.found, "message"))`);
  }
  if (failure?.code) codes.push(emit.text("body", failure.code));
  if (failure?.message) messages.push(messageOf(emit, "body", failure.message));
  const either = (/** @type {string[]} */ list) => (list.length ? list.join(" ?? ") : "undefined");
  return `state === "failed" || state === "canceled"
        ? ${emit.use("failureOf")}(state, rawStatus, ${either(codes)}, ${either(messages)})
        : undefined`;
}
