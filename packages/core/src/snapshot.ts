import type { ProviderDescription } from "./description.js";
import { endSentence, errorFromResponse, ResponseError } from "./errors.js";
import { networkError } from "./network.js";
import type { ClientSetup } from "./options.js";
import type { PathParamValue } from "./params.js";
import { longer, rateLimitWait } from "./pushback.js";
import { redact } from "./redact.js";
import { parseLocation } from "./redirect.js";
import { parseRetryAfter } from "./timestamps.js";
import type { HttpAnswer } from "./transport.js";

/** One read of an operation, before normalization. */
export interface OperationSnapshot<Body = unknown> {
  /** The endpoint that was read: its operationId. */
  endpoint: string;
  params: Record<string, PathParamValue>;
  httpStatus: number;
  /** The typed body; `undefined` for 304 and for redirects. */
  body: Body | undefined;
  notModified: boolean;
  etag?: string;
  /** `Location` of a redirect answer (Keycard's 303 to the install). Never followed. */
  location?: string;
  /** Seconds the server asked to wait before the next request. */
  retryAfter?: number;
  /** Seconds until the rate-limit budget resets, when the answer says it is spent (`RateLimit-Remaining: 0`,
   * …): every request with this credential should wait, not only this operation's. */
  rateLimitReset?: number;
}

/**
 * Turns the answer to one read into a snapshot: 304, a redirect the spec maps to a state, a JSON object
 * body; any other answer becomes the typed error for it. The body is read under the read's limits (the
 * caller's `withLimits`). @internal
 */
export async function toSnapshot(
  description: ProviderDescription,
  setup: ClientSetup,
  endpoint: string,
  params: Record<string, PathParamValue>,
  response: HttpAnswer,
  requestUrl: string,
  sentIfNoneMatch: boolean,
  now: () => number = Date.now,
): Promise<OperationSnapshot> {
  const { provider, secrets } = setup;
  const status = response.status;
  const headers = response.headers;
  // A clock that answers nonsense is no clock: the wall clock then.
  const clock = now();
  const at = Number.isFinite(clock) ? clock : Date.now();
  // readPushback's two parts, each read once (Retry-After wins on a 429); the rate-limit reset of a spent
  // budget is also kept on its own (it is shared by every wait with this credential).
  const asked = parseRetryAfter(headers.get("retry-after"), at);
  const reset = asked !== undefined && status === 429 ? undefined : rateLimitWait(headers, status, at);
  const retryAfter = longer(asked, reset);
  const etag = headers.get("etag") ?? undefined;
  const snapshot: OperationSnapshot = { endpoint, params, httpStatus: status, body: undefined, notModified: false };
  if (etag !== undefined) snapshot.etag = etag;
  if (retryAfter !== undefined) snapshot.retryAfter = retryAfter;
  if (reset !== undefined && reset > 0) snapshot.rateLimitReset = reset;

  if (status === 304) {
    if (!sentIfNoneMatch) {
      throw new ResponseError(
        `${provider}: ${endpoint} answered 304 Not Modified to a read without If-None-Match, which leaves no status to report.`,
        { provider, httpStatus: status, secrets },
      );
    }
    snapshot.notModified = true;
    return snapshot;
  }
  if (response.type === "opaqueredirect") {
    const redirects = description.adapter.redirects ?? {};
    // Browsers hide a manual redirect's status and Location. When the spec maps exactly one redirect
    // status to a state, the redirect itself is the answer; its target stays unknown.
    const [only, ...others] = Object.keys(redirects);
    if (only && others.length === 0) {
      snapshot.httpStatus = Number(only);
      return snapshot;
    }
    throw new ResponseError(
      `${provider}: ${endpoint} was redirected, and a browser hides where to, so opwatch does not follow it; set the baseUrl option to the final host.`,
      { provider, secrets },
    );
  }
  if (status >= 300 && status < 400) {
    const location = headers.get("location");
    const target =
      location && description.adapter.redirects?.[String(status)]
        ? parseLocation(location, response.url || requestUrl)?.href
        : undefined;
    if (target === undefined) {
      throw new ResponseError(
        `${provider}: ${endpoint} answered an unexpected redirect ${status}${location ? "" : " without a Location header"}, which the spec does not map to a state.`,
        { provider, httpStatus: status, secrets },
      );
    }
    response.body?.cancel().catch(() => undefined);
    snapshot.location = target;
    return snapshot;
  }

  let text: string;
  try {
    text = await response.text();
  } catch (error) {
    throw networkError(setup, error);
  }
  const body = parseJson(text);
  if (response.ok) {
    if (body === null || typeof body !== "object") {
      const type = headers.get("content-type");
      throw new ResponseError(
        endSentence(
          redact(
            `${provider}: ${endpoint} answered ${status} without a JSON object body (Content-Type ${type ? JSON.stringify(type.slice(0, 80)) : "missing"}, ${text.length} characters), so check the baseUrl option`,
            secrets,
          ),
        ),
        { provider, httpStatus: status, secrets },
      );
    }
    snapshot.body = body;
    return snapshot;
  }
  throw errorFromResponse(description, response, body, text, retryAfter, secrets);
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
