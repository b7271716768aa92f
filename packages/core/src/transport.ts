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
  /**
   * A body still to read, to cancel when it is not wanted; null when the transport already has it. A fetch
   * `Response`'s is a `ReadableStream`, which the read path reads itself, counting (see `readBodyText`).
   */
  readonly body?: { cancel(): Promise<unknown>; getReader?(): ReadableStreamDefaultReader<Uint8Array> } | null;
  /**
   * The body as text, decoded, rejecting with a `BodyOverLimit` as soon as more than `limit` decoded bytes
   * arrive (the node:http transport's own reader); without it, the read path reads `body` or `text()`.
   */
  readText?(limit: number): Promise<string>;
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
  return (url, headers, cut) => fetch(url, new FetchInit(headers, cut));
}

/**
 * The init of one fetch. Its `signal` getter is one function shared by every init: a getter written in an
 * object literal is a new closure per read, which makes each init a dictionary-mode object and (measured)
 * had every read's objects survive into old space, ~3 MB promoted per scavenge and the reader's CPU per
 * read ~4x on a stub fetch.
 */
class FetchInit {
  readonly method = "GET";
  readonly headers: Record<string, string>;
  readonly redirect = "manual";
  readonly #cut: Cut;
  declare readonly signal: AbortSignal;

  constructor(headers: Record<string, string>, cut: Cut) {
    this.headers = headers;
    this.#cut = cut;
    Object.defineProperty(this, "signal", FetchInit.#signal);
  }

  static readonly #signal: PropertyDescriptor = {
    get(this: FetchInit): AbortSignal {
      return this.#cut.signal;
    },
    enumerable: true,
    configurable: true,
  };
}
