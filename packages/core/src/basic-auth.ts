import { ValidationError } from "./errors.js";
import { rememberSecret } from "./redact.js";

/**
 * The `Authorization` value of an HTTP Basic token `"username:password"`: `Basic` and the base64 of its UTF-8
 * bytes (RFC 7617). The password and the base64 form join the client's secrets beside the whole token; the
 * username does not (it is often an account id such as Twilio's account SID, printed in the provider's own
 * URLs and answers, and masking it would hide what an error is about while protecting nothing).
 * Throws `ValidationError` before any request when the token has no colon. @internal
 */
export function basicHeader(provider: string, token: string, secrets: string[]): string {
  const colon = token.indexOf(":");
  if (colon < 1) {
    throw new ValidationError(
      `${provider}: the token option must be "username:password" for this provider's HTTP Basic auth (e.g. "ACxxxx:your_auth_token" for Twilio), got a token ${colon < 0 ? "without a colon" : "with no username before its colon"}.`,
      { provider },
    );
  }
  let bytes = "";
  for (const byte of new TextEncoder().encode(token)) bytes += String.fromCharCode(byte);
  const encoded = btoa(bytes);
  rememberSecret(secrets, token.slice(colon + 1));
  rememberSecret(secrets, encoded);
  return `Basic ${encoded}`;
}
