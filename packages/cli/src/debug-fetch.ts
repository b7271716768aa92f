/**
 * Wraps a fetch so that each request prints one line: method, URL, HTTP status, time taken and the
 * server's Retry-After. Headers are never printed, and every secret (the tokens) is cut out of the line.
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
        redact(
          `opwatch debug: ${method} ${url} ${response.status} ${took()}${retryAfter === null ? "" : ` retry-after=${retryAfter}`}`,
        ),
      );
      return response;
    } catch (error) {
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      print(redact(`opwatch debug: ${method} ${url} failed after ${took()} (${why})`));
      throw error;
    }
  };
}
