// Where a succeeded operation's result is, read from its body (`x-opwatch.resultUrl`: fal's `response_url`,
// Anthropic's `results_url`). Reported, never fetched.

/** A URL longer than this is not kept: a body may hold anything. */
const MAX_URL_CHARS = 2048;

/**
 * The absolute `http:`/`https:` URL a body field holds, normalized (`URL.href`: controls and spaces
 * percent-encoded); `undefined` for anything else (a relative path, another scheme, a non-string, too long).
 */
export function resultUrlOf(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > MAX_URL_CHARS) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === "https:" || url.protocol === "http:" ? url.href : undefined;
}
