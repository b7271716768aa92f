// Fetch stand-ins for client tests: each is injected through the client's `fetch` option.

/** One request as it left the client, and what came back. */
export interface Exchange {
  url: string;
  /** The request headers as sent (without the `Prefer` header these fetches add for Prism). */
  headers: Headers;
  redirect: RequestRedirect;
  response: Response;
}

/** A real fetch that asks Prism for one answer (`Prefer: code=…, example=…`) and records each exchange. */
export function preferring(prefer: string | undefined, seen: Exchange[] = []): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    if (prefer !== undefined) request.headers.set("Prefer", prefer);
    const response = await fetch(request);
    seen.push({ url: request.url, headers, redirect: request.redirect, response: response.clone() });
    return response;
  };
}

/** `fetch` with each exchange recorded in `seen`. */
export function recording(fetch: typeof globalThis.fetch, seen: Exchange[]): typeof globalThis.fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const headers = new Headers(request.headers);
    const response = await fetch(request);
    seen.push({ url: request.url, headers, redirect: request.redirect, response: response.clone() });
    return response;
  };
}

/** A fetch that never reaches a network: records each request and answers with `answer()`. */
export function answering(answer: () => Response, seen: Exchange[] = []): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    const response = answer();
    seen.push({
      url: request.url,
      headers: new Headers(request.headers),
      redirect: request.redirect,
      response: response.clone(),
    });
    return response;
  };
}

/** For input that must be refused before any request. */
export const neverCalled: typeof fetch = async () => {
  throw new Error("fetch must not be called");
};
