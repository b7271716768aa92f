// @ts-check
// Rule kinds: where a body says what the read path needs before normalizing. `missingStatus(body)` names the
// status pointer a 200's body lacks (most often a wrong base URL), unless a `when` rule decides the state
// without it; `errorFields(body)` reads an error answer's code, message and request id where `errorBody`
// points. A spec without a status pointer, or without an error body, gets neither.
import { q } from "./emit.mjs";

/**
 * Emits the body readers the spec needs; returns the names of those it emitted.
 * @param {import("./emit.mjs").Emit} emit @param {any} adapter
 */
export function compileBodyReaders(emit, adapter) {
  /** @type {string[]} */
  const names = [];
  const pointer = adapter.status.pointer;
  const rules = (adapter.status.when ?? []).length > 0;
  if (pointer !== undefined) {
    emit.functions.push(`/** The status pointer a 200's body lacks${rules ? ", unless a rule decides its state without it" : ""}. */
function missingStatus(body: unknown): string | undefined {
  return ${emit.text("body", pointer)} !== undefined${rules ? " || decidedByRule(body)" : ""} ? undefined : ${q(pointer)};
}`);
    names.push("missingStatus");
  }
  const { code, message, requestId } = adapter.errorBody ?? {};
  if (code !== undefined || message !== undefined || requestId !== undefined) {
    const fields = Object.entries({ code, message, requestId })
      .filter(([, at]) => at !== undefined)
      .map(([field, at]) => `${field}: ${emit.text("body", at)}`);
    emit.functions.push(`/** What an error answer's body says, where the spec points. */
function errorFields(body: unknown): ErrorBodyFields {
  return { ${fields.join(", ")} };
}`);
    names.push("errorFields");
  }
  return names;
}
