// The read path's seam: a read asks a transport for one GET and gets an `HttpAnswer`, whatever sends it
// (the injected or global `fetch`, or on Node the `node:http` transport picked by `#transport`).
import type { Cut } from "./deadline.js";

/** The headers of an answer, as the read path reads them: `Headers.get` (names in lower case). @internal */
export interface HttpHeaderReader {
  get(name: string): string | null;
}

/**
 * What the read path reads of an answer: a structural subset of `Response`, so a fetch `Response` is one
 * as it is. @internal
 */
export interface HttpAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: HttpHeaderReader;
  /** `"opaqueredirect"` for a browser's manual redirect (no status, no Location); absent off fetch. */
  readonly type?: string;
  /** The final URL, when the transport knows it (fetch); "" or absent otherwise. */
  readonly url?: string;
  text(): Promise<string>;
  /** A body still to read, to cancel when it is not wanted; null when the transport already has it. */
  readonly body?: { cancel(): Promise<unknown> } | null;
}

/**
 * Sends one GET of `url` with `headers` (a copy the transport may add to) and never follows a redirect:
 * a 3xx is an answer. Stops when `cut` says so. Rejects with what went wrong; the read path turns that
 * into a `NetworkError`. @internal
 */
export type Transport = (url: string, headers: Record<string, string>, cut: Cut) => Promise<HttpAnswer>;

/**
 * The transport over a `fetch`: method GET, the headers, `redirect: "manual"`, and the run's signal through
 * a getter, so a fetch that never reads it costs no `AbortController`, and a wrapper that spreads the init
 * still passes a live one on. The fetch is called as a plain function: a browser's fetch throws "Illegal
 * invocation" when called as a method. @internal
 */
export function fetchTransport(fetch: typeof globalThis.fetch): Transport {
  return (url, headers, cut) =>
    fetch(url, {
      method: "GET",
      headers,
      redirect: "manual",
      get signal() {
        return cut.signal;
      },
    });
}
