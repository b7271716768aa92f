// @ts-check
// Rule kind: redirects. An HTTP status the spec maps to a state (Keycard's 303 to the installed item) is the
// answer itself when it comes without a body; its Location is the result URL, never followed.
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
