import { MESSAGE_CHARS, printable } from "./display/printable.js";

/**
 * Wraps a fetch so that each request prints one line: method, URL, HTTP status, time taken and the
 * server's Retry-After. Headers are never printed, every secret (the tokens) is cut out of the line, and
 * what the server chose (a redirect's URL, the Retry-After value, an error's text) is capped and printed
 * with its control characters neutralized.
 */
export function debugFetch(
  fetch: typeof globalThis.fetch,
  print: (line: string) => void,
  secrets: () => readonly string[],
): typeof globalThis.fetch {
  const redact = (text: string) =>
    secrets()
      .filter((secret) => secret.length > 0)
      .reduce((line, secret) => line.replaceAll(secret, "***"), text);
  return async (input, init) => {
    const request = input instanceof Request ? input : undefined;
    const method = init?.method ?? request?.method ?? "GET";
    const url = request ? request.url : String(input);
    const started = performance.now();
    const took = () => `${Math.round(performance.now() - started)}ms`;
    try {
      const response = await fetch(input, init);
      const retryAfter = response.headers.get("retry-after");
      print(
        printable(
          redact(
            `opwatch debug: ${method} ${url} ${response.status} ${took()}${retryAfter === null ? "" : ` retry-after=${retryAfter}`}`,
          ),
          MESSAGE_CHARS,
        ),
      );
      return response;
    } catch (error) {
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      print(printable(redact(`opwatch debug: ${method} ${url} failed after ${took()} (${why})`), MESSAGE_CHARS));
      throw error;
    }
  };
}
