// Answers a spec maps to a state by their HTTP status rather than by a body: a redirect (Keycard's 303 to the
// installed item), a bodyless 2xx (202 while running, 204 when done), a status in a response header. Only a
// provider whose spec has them gets these readers (the generated code imports them), so other apps do not
// carry them.

import { parseLocation } from "./redirect.js";
import type { OperationSnapshot } from "./snapshot.js";

/** What the readers of mapped answers read of an answer: its status and headers; off fetch, its type and final URL. */
export interface AnswerHead {
  /** The HTTP status (0 for a browser's opaque redirect). */
  readonly status: number;
  readonly headers: AnswerHeaders;
  /** `"opaqueredirect"` for a browser's manual redirect. */
  readonly type?: string;
  /** The URL that answered, when the transport knows it (fetch); "" or absent otherwise. */
  readonly url?: string;
}

/** An answer's headers, as `Headers.get` reads them. */
export interface AnswerHeaders {
  /** The value of header `name` (any case), or null when the answer has none. */
  get(name: string): string | null;
}

/** Reads a redirect the spec maps into `snapshot`; false when this one is not mapped. */
export type RedirectAnswer = (snapshot: OperationSnapshot, response: AnswerHead, requestUrl: string) => boolean;

/** Reads a 2xx the spec maps by its status or a header into `snapshot`; true when that answer is the state. */
export type StateInAnswer = (snapshot: OperationSnapshot, headers: AnswerHeaders, body: unknown) => boolean;

/**
 * The redirects of `statuses` as answers: the Location of one (its result URL, never followed), or in a
 * browser, which hides a manual redirect's status and Location, the one status when the spec maps exactly
 * one (its target stays unknown). @internal
 */
export function mappedRedirects(statuses: readonly string[]): RedirectAnswer {
  return (snapshot, response, requestUrl) => {
    if (response.type === "opaqueredirect") {
      if (statuses.length !== 1) return false;
      snapshot.httpStatus = Number(statuses[0]);
      return true;
    }
    const location = response.headers.get("location");
    const target =
      location && statuses.includes(String(response.status))
        ? parseLocation(location, response.url || requestUrl)?.href
        : undefined;
    if (target === undefined) return false;
    snapshot.location = target;
    return true;
  };
}

/**
 * The state carried by the answer itself: the status word of `header` on a 2xx (kept as `statusHeader`), or a
 * status of `answers` (a 2xx, or a 4xx such as Snowflake's 422). An answer without a body is that state; a
 * mapped one with a JSON object body keeps it (toStatus reads it, the answer's state when it decides none), so
 * it needs no status word and a mapped 4xx is no error. Called for every answer read past its redirects. @internal
 */
export function stateInAnswer(header: string | undefined, answers: readonly string[]): StateInAnswer {
  return (snapshot, headers, body) => {
    const status = snapshot.httpStatus;
    const word = header === undefined || status < 200 || status > 299 ? null : headers.get(header);
    if (word !== null) snapshot.statusHeader = word;
    const mapped = answers.includes(String(status));
    if (body === undefined) return word !== null || mapped;
    if (!mapped || body === null || typeof body !== "object") return false;
    snapshot.body = body;
    return true;
  };
}
