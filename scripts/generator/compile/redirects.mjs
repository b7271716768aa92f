// @ts-check
// Rule kind: redirects. An HTTP status the spec maps to a state (Keycard's 303 to the installed item) is the
// answer itself when it comes without a body; its Location is the result URL, never followed. The same goes
// for a 2xx answer the spec maps to a state (`answers`: 202 running, 204 succeeded).
import { q } from "./emit.mjs";

/** Statements opening toStatus. @param {import("./emit.mjs").Emit} emit @param {Record<string, string> | undefined} redirects */
export function compileRedirects(emit, redirects) {
  const entries = Object.entries(redirects ?? {});
  if (entries.length === 0) return [];
  return [
    "if (body === undefined) {",
    ...entries.map(
      ([code, state]) =>
        `  if (snapshot.httpStatus === ${Number(code)}) return ${emit.use("redirectStatus")}(name, snapshot, baseUrl, ${q(state)});`,
    ),
    "}",
  ];
}

/**
 * Statements opening toStatus for `x-opwatch.answers`: a 2xx answer without a body (and without the status
 * header, when the spec reads one) is its own state (202 while running, 204 when done).
 * @param {import("./emit.mjs").Emit} emit @param {Record<string, string> | undefined} answers @param {boolean} header
 */
export function compileAnswers(emit, answers, header) {
  const entries = Object.entries(answers ?? {});
  if (entries.length === 0) return [];
  return [
    `if (body === undefined${header ? " && snapshot.statusHeader === undefined" : ""}) {`,
    ...entries.map(
      ([code, state]) =>
        `  if (snapshot.httpStatus === ${Number(code)}) return ${emit.use("redirectStatus")}(name, snapshot, baseUrl, ${q(state)});`,
    ),
    "}",
  ];
}
