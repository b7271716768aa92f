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

/**
 * The read path's readers of the answers the spec maps by status (core's mapped-answers.ts), as entries of the
 * provider object: `redirectAnswer` when it maps redirects, `stateInAnswer` when it maps 2xx answers or reads
 * the status from a header. A spec with neither gets none, and its apps carry neither reader.
 * @param {import("./emit.mjs").Emit} emit @param {any} adapter
 */
export function compileMappedAnswers(emit, adapter) {
  const entries = [];
  const redirects = Object.keys(adapter.redirects ?? {});
  if (redirects.length > 0) entries.push(`redirectAnswer: ${emit.use("mappedRedirects")}(${q(redirects)})`);
  const answers = Object.keys(adapter.answers ?? {});
  if (answers.length > 0 || adapter.status.header !== undefined) {
    entries.push(`stateInAnswer: ${emit.use("stateInAnswer")}(${q(adapter.status.header)}, ${q(answers)})`);
  }
  return entries;
}

/**
 * `fillSegments` for the typed client's path serializer, when a poll endpoint has a multi-segment parameter:
 * its path template → those parameters' names. Other specs' apps carry no segment filler.
 * @param {import("./emit.mjs").Emit} emit @param {Record<string, any>} endpoints
 */
export function compileSegmentFiller(emit, endpoints) {
  /** @type {Record<string, string[]>} */
  const paths = {};
  for (const endpoint of Object.values(endpoints)) {
    const names = endpoint.pathParams
      .filter((/** @type {any} */ p) => p.multiSegment)
      .map((/** @type {any} */ p) => p.name);
    if (names.length > 0) paths[endpoint.path] = names;
  }
  return Object.keys(paths).length === 0 ? [] : [`fillSegments: ${emit.use("segmentFiller")}(${q(paths)})`];
}
