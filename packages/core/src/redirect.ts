import { capText, MAX_FIELD_CHARS } from "./cap.js";
import { ResponseError } from "./errors.js";
import type { ClientSetup } from "./options.js";
import type { HttpAnswer } from "./transport.js";

/** Redirects followed within the base URL's origin before giving up. @internal */
export const MAX_REDIRECTS = 3;
const FOLLOWABLE = new Set([301, 302, 303, 307, 308]);

/**
 * Every request is sent with `redirect: "manual"`; this decides what a 3xx becomes. A status the spec
 * maps to a state (`isAnswer`: Keycard's 303) is returned as the answer. A redirect within the base
 * URL's origin is followed by `resend` (so the token only ever goes to that origin), at most
 * {@link MAX_REDIRECTS} times. A redirect anywhere else is a `ResponseError` naming the target origin,
 * and nothing is sent there. Anything else is returned as is. @internal
 */
export async function followRedirects<Answer extends HttpAnswer>(
  setup: ClientSetup,
  what: string,
  first: { response: Answer; url: string },
  isAnswer: (status: number) => boolean,
  resend: ((url: string) => Promise<Answer>) | undefined,
): Promise<{ response: Answer; url: string }> {
  let { response, url } = first;
  for (let hop = 0; ; hop++) {
    const status = response.status;
    if (!FOLLOWABLE.has(status) || isAnswer(status)) return { response, url };
    const location = response.headers.get("location");
    if (location === null) return { response, url };
    const target = parseLocation(location, url);
    const { provider, secrets } = setup;
    if (target?.origin !== setup.origin || (resend !== undefined && hop === MAX_REDIRECTS)) {
      // Not followed: its body is not wanted.
      response.body?.cancel().catch(() => undefined);
    }
    if (target?.origin !== setup.origin) {
      const where = target ? capText(target.origin, MAX_FIELD_CHARS) : "an unusable Location";
      throw new ResponseError(
        `${provider}: ${what} was redirected (${status}) to ${where}, outside the baseUrl option's origin ${setup.origin}, so opwatch sent nothing there; set baseUrl to that host if you trust it.`,
        { provider, httpStatus: status, secrets },
      );
    }
    if (resend === undefined) return { response, url };
    if (hop === MAX_REDIRECTS) {
      throw new ResponseError(
        `${provider}: ${what} was redirected more than ${MAX_REDIRECTS} times within ${setup.origin}, so opwatch stopped; check the baseUrl option.`,
        { provider, httpStatus: status, secrets },
      );
    }
    // Awaited: over node:http, the socket is then free for the next request.
    await response.body?.cancel().catch(() => undefined);
    url = target.href;
    response = await resend(url);
  }
}

/** A Location header resolved against the URL it came from; undefined when it is not a URL. */
export function parseLocation(location: string, base: string): URL | undefined {
  try {
    return new URL(location, base);
  } catch {
    return undefined;
  }
}
