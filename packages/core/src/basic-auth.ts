import { ValidationError } from "./errors.js";
import { rememberSecret } from "./redact.js";

/**
 * The `Authorization` value of an HTTP Basic token `"username:password"`: `Basic` and the base64 of its UTF-8
 * bytes (RFC 7617). The username, the password and the base64 form join the client's secrets beside the whole
 * token: no part of a token may appear, and some APIs take the secret key as the username with an empty password.
 * Throws `ValidationError` before any request when the token has no colon. @internal
 */
export function basicHeader(provider: string, token: string, secrets: string[]): string {
  const colon = token.indexOf(":");
  if (colon < 1) {
    throw new ValidationError(
      `${provider}: the token option must be "username:password" for this provider's HTTP Basic auth (the user name or account id its docs give, a colon, then the secret), got a token ${colon < 0 ? "without a colon" : "with no username before its colon"}.`,
      { provider },
    );
  }
  let bytes = "";
  for (const byte of new TextEncoder().encode(token)) bytes += String.fromCharCode(byte);
  const encoded = btoa(bytes);
  rememberSecret(secrets, token.slice(0, colon));
  rememberSecret(secrets, token.slice(colon + 1));
  rememberSecret(secrets, encoded);
  return `Basic ${encoded}`;
}
