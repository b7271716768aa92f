import { BodyOverLimit, readBodyText } from "./body.js";
import { capText } from "./cap.js";
import type { CompiledProvider } from "./compiled.js";
import { endSentence, errorFromResponse, ResponseError } from "./errors.js";
import { networkError } from "./network.js";
import type { ClientSetup } from "./options.js";
import type { PathParamValue } from "./params.js";
import { longer, rateLimitWait } from "./pushback.js";
import { redact } from "./redact.js";
import { spentBudgetWait } from "./shapes/rate-limit.js";
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
  /** The status word of a response header the spec names (`x-opwatch.status.header`). */
  statusHeader?: string;
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
  compiled: CompiledProvider,
  setup: ClientSetup,
  endpoint: string,
  params: Record<string, PathParamValue>,
  response: HttpAnswer,
  requestUrl: string,
  sentIfNoneMatch: boolean,
  now: () => number = Date.now,
): Promise<OperationSnapshot> {
  const { description } = compiled;
  const { provider, secrets } = setup;
  const status = response.status;
  const headers = response.headers;
  // A clock that answers nonsense is no clock: the wall clock then.
  const clock = now();
  const at = Number.isFinite(clock) ? clock : Date.now();
  // readPushback's two parts, each read once (Retry-After wins on a 429); the rate-limit reset of a spent
  // budget is also kept on its own (it is shared by every wait with this credential).
  const asked = parseRetryAfter(headers.get("retry-after"), at);
  const spent = asked !== undefined && status === 429 ? undefined : rateLimitWait(headers, status, at);
  // What the reset means is the spec's to say: the end of a window, or a full refill (wait for one request).
  const rateLimit = description.adapter.rateLimit;
  const reset = spent === undefined || rateLimit === undefined ? spent : spentBudgetWait(spent, rateLimit);
  const retryAfter = longer(asked, reset);
  const etag = headers.get("etag") ?? undefined;
  const snapshot: OperationSnapshot = { endpoint, params, httpStatus: status, body: undefined, notModified: false };
  if (etag !== undefined) snapshot.etag = etag;
  if (retryAfter !== undefined) snapshot.retryAfter = retryAfter;
  if (reset !== undefined && reset > 0) snapshot.rateLimitReset = reset;

  if (status === 304) {
    response.body?.cancel().catch(() => undefined);
    if (!sentIfNoneMatch) {
      throw new ResponseError(
        `${provider}: ${endpoint} answered 304 Not Modified to a read without If-None-Match, which leaves no status to report.`,
        { provider, httpStatus: status, secrets },
      );
    }
    snapshot.notModified = true;
    return snapshot;
  }
  const opaque = response.type === "opaqueredirect";
  if (opaque || (status >= 300 && status < 400)) {
    // A redirect is answered by its status and Location: its body is never waited for.
    response.body?.cancel().catch(() => undefined);
    if (compiled.redirectAnswer?.(snapshot, response, requestUrl)) return snapshot;
    throw opaque
      ? new ResponseError(
          `${provider}: ${endpoint} was redirected, and a browser hides where to, so opwatch does not follow it; set the baseUrl option to the final host.`,
          { provider, secrets },
        )
      : new ResponseError(
          `${provider}: ${endpoint} answered an unexpected redirect ${status}${headers.get("location") ? "" : " without a Location header"}, which the spec does not map to a state.`,
          { provider, httpStatus: status, secrets },
        );
  }

  const limit = setup.maxBodyBytes;
  let text: string | undefined;
  try {
    text = await readBodyText(response, limit);
  } catch (error) {
    if (!(error instanceof BodyOverLimit)) throw networkError(setup, error);
    if (response.ok) {
      throw new ResponseError(
        `${provider}: ${endpoint} answered ${status} with a body over ${limit} bytes (the maxBodyBytes option), so opwatch stopped reading it; check the baseUrl option, or raise maxBodyBytes if this provider's answers are that large.`,
        { provider, httpStatus: status, secrets },
      );
    }
    // An error answer too large to read is still its status's error, without the server's text.
    text = undefined;
  }
  const body = text === undefined ? undefined : parseJson(text);
  // The answer itself carries the state (202 with no body while running, 204 when done, a status header, a
  // status the spec maps such as Snowflake's 422): only a spec with such answers has this reader.
  if (compiled.stateInAnswer?.(snapshot, headers, body)) return snapshot;
  if (response.ok) {
    const missing = body === undefined ? undefined : compiled.missingStatus?.(body);
    if (missing !== undefined) {
      // Transient for the failure budget (a proxy's placeholder, a deploy under way), but most often a wrong baseUrl.
      throw new ResponseError(
        `${provider}: ${endpoint} answered ${status} without the status the spec points to (${missing}), so this may not be ${description.displayName}'s API; check the baseUrl option (${setup.baseUrl}).`,
        { provider, httpStatus: status, secrets, retryable: true },
      );
    }
    if (body === null || typeof body !== "object") {
      const type = headers.get("content-type");
      // Masked before the cut: a token past the cut would otherwise keep its first part.
      const quoted = type ? JSON.stringify(capText(redact(type, secrets), 80)) : "missing";
      throw new ResponseError(
        endSentence(
          redact(
            `${provider}: ${endpoint} answered ${status} without a JSON object body (Content-Type ${quoted}, ${(text ?? "").length} characters), so check the baseUrl option`,
            secrets,
          ),
        ),
        { provider, httpStatus: status, secrets },
      );
    }
    snapshot.body = body;
    return snapshot;
  }
  // A delay inside the body (google.rpc.RetryInfo) counts when no header asked for one.
  const bodyDelay = retryAfter === undefined ? compiled.retryDelay?.(body) : undefined;
  throw errorFromResponse(compiled, response, body, text, retryAfter, secrets, bodyDelay);
}

function parseJson(text: string): unknown {
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
