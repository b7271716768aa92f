/// <reference types="node" />
// `#transport` on Node (the "node" condition of package.json `imports`): reads over node:http / node:https
// instead of fetch, when nothing asks for fetch. On loopback keep-alive a node:http GET costs well under
// half of a fetch, and it leaves nothing for a FinalizationRegistry (undici registers every Response and
// every Request made with a signal in one, which keeps ~15 kB per read past minor collections).
// Self-contained on purpose (node builtins, types, its fetch check and the body limit only): it stays out
// of every non-Node bundle.
import buffer from "node:buffer";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import zlib from "node:zlib";
import { BodyOverLimit, DEFAULT_MAX_BODY_BYTES } from "./body.js";
import type { Cut } from "./deadline.js";
import type { HttpAnswer, Transport } from "./transport.js";
import { fetchUnchangedSince, recordFetchAtLoad } from "./transport-dispatcher.js";

/**
 * The transport for reads when the `fetch` option was not given: each read goes over node:http while fetch
 * is as it was when @opwatch/core was loaded (see transport-dispatcher.ts for the rule), else through
 * `viaFetch`. Checked per read (two identity compares), so a fetch replaced or a dispatcher set after the
 * client was made is honoured from the next read on.
 * @internal
 */
export function platformTransport(viaFetch: Transport): Transport {
  return (url, headers, cut) => (fetchIsNodeOwn() ? nodeTransport : viaFetch)(url, headers, cut);
}

/** fetch and its dispatcher as this module found them (Node's own, when nothing had set one). */
const atLoad = recordFetchAtLoad();

/**
 * Whether reads may leave fetch for node:http without losing anything someone set up on fetch: fetch and
 * its global dispatcher are as they were when @opwatch/core was loaded, Node's own (transport-dispatcher.ts),
 * and `NODE_USE_ENV_PROXY` is not set (Node's fetch honours HTTP(S)_PROXY then; its http agents only in
 * newer releases). When any of these fails, reads use fetch, as with the `fetch` option.
 * @internal
 */
export function fetchIsNodeOwn(): boolean {
  if (!fetchUnchangedSince(atLoad)) return false;
  const proxy = process.env.NODE_USE_ENV_PROXY;
  return proxy === undefined || proxy === "" || proxy === "0";
}

/**
 * One GET over node:http or node:https with their global agents (keep-alive by default on Node ≥ 19; an
 * app's `http.globalAgent` settings apply), called through the module objects so that anything patching
 * them (nock, OpenTelemetry's http instrumentation) sees the request. The answer resolves with its headers,
 * as fetch's does; its body stays unread (the socket paused) until the read path reads it with its limit
 * (`readText`: counted as it arrives, decoded (gzip, deflate, br) within the same limit) or cancels it (a
 * 3xx, a 304: what is left of it is dropped, and the socket with it if the body has not all arrived). A 3xx
 * is returned as it is. The run's `cut` destroys the request: no AbortController, no timer of its own. A
 * request that fails on a reused keep-alive socket before any answer (the server closed it meanwhile) is
 * sent once more on a new one.
 * @internal
 */
export const nodeTransport: Transport = (url, headers, cut) => {
  // As Node's fetch does, unless the caller chose: the encodings undici asks for (br only over TLS), and
  // its User-Agent (some gateways refuse a request without one).
  const secure = HTTPS.test(url);
  if (headers["accept-encoding"] === undefined) headers["accept-encoding"] = secure ? ENCODINGS_TLS : ENCODINGS;
  if (headers["user-agent"] === undefined) headers["user-agent"] = "node";
  return new Promise<HttpAnswer>((resolve, reject) => send(url, headers, cut, secure, true, resolve, reject));
};

const HTTPS = /^\s*https:/i;
const ENCODINGS = "gzip, deflate";
const ENCODINGS_TLS = "gzip, deflate, br";

function send(
  url: string,
  headers: Record<string, string>,
  cut: Cut,
  secure: boolean,
  retry: boolean,
  resolve: (answer: HttpAnswer) => void,
  reject: (error: unknown) => void,
): void {
  let request: http.ClientRequest;
  let answered = false;
  try {
    request = (secure ? https : http).request(url, { headers }, (response) => {
      answered = true;
      resolve(new NodeAnswer(response));
    });
  } catch (error) {
    reject(error); // a header value node:http refuses (never echoed), a patched request() that throws
    return;
  }
  request.on("error", (error: NodeJS.ErrnoException) => {
    // Only when nothing came back yet: a reset mid-answer fails the read (and is not sent again).
    if (retry && !answered && request.reusedSocket && (error.code === "ECONNRESET" || error.code === "EPIPE")) {
      send(url, headers, cut, secure, false, resolve, reject);
    } else reject(error);
  });
  cut.onHalt(request);
  request.end();
}

/**
 * Encoded bytes read of a body beyond its decoded limit before it is refused: compression adds a few bytes
 * per block to data it cannot shrink (gzip 18 in all, deflate 5 per 64 KiB), never more than this.
 */
const slack = (limit: number): number => Math.floor(limit / 4096) + 1024;

/** The body decoded from its Content-Encoding(s), applied in reverse, each within `limit` bytes; an unknown one is kept. */
function decode(encoding: string | undefined, chunks: readonly Buffer[], limit: number): Buffer {
  let body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  if (encoding !== undefined && body.length > 0) {
    const codings = encoding.toLowerCase().split(",");
    const options = { maxOutputLength: Math.max(1, Math.min(limit, buffer.constants.MAX_LENGTH)) };
    for (let i = codings.length - 1; i >= 0; i--) {
      const coding = (codings[i] as string).trim();
      try {
        if (coding === "gzip" || coding === "x-gzip") body = zlib.gunzipSync(body, options);
        // "deflate" is zlib-wrapped (RFC 9110), but some servers send it raw: a zlib header is CM 8 and a check.
        else if (coding === "deflate")
          body = isZlib(body) ? zlib.inflateSync(body, options) : zlib.inflateRawSync(body, options);
        else if (coding === "br") body = zlib.brotliDecompressSync(body, options);
        else if (coding !== "identity" && coding !== "") break;
      } catch (error) {
        // Decoding stopped at the limit (a compression bomb): the body is over it.
        if ((error as { code?: unknown } | null)?.code === "ERR_BUFFER_TOO_LARGE") throw new BodyOverLimit(limit);
        throw error;
      }
    }
  }
  if (body.length > limit) throw new BodyOverLimit(limit);
  return body;
}

const isZlib = (body: Buffer): boolean =>
  body.length > 1 &&
  ((body[0] as number) & 0x0f) === 8 &&
  (((body[0] as number) << 8) | (body[1] as number)) % 31 === 0;

/** An answer over node:http: it is its own header reader; its body is read (or dropped) by the read path. */
class NodeAnswer implements HttpAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly body: { cancel(): Promise<unknown> };
  private readonly fields: IncomingMessage["headers"];
  /** What failed the response before anyone read it (a reset while it sat paused). */
  private failure: unknown;

  constructor(private readonly response: IncomingMessage) {
    this.status = response.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    this.fields = response.headers;
    // Kept until read: an 'error' with no listener would be thrown out of the event loop.
    response.on("error", (error) => {
      this.failure ??= error;
    });
    this.body = { cancel: () => this.cancel() };
  }

  get headers(): this {
    return this;
  }

  /** `Headers.get`: the field's value, repeated fields joined with ", ", or null. */
  get(name: string): string | null {
    const value = this.fields[name.toLowerCase()];
    return value === undefined ? null : typeof value === "string" ? value : value.join(", ");
  }

  /** Drops the body: what has all arrived is drained (the socket goes back to the agent), anything else is cut. */
  private cancel(): Promise<void> {
    const response = this.response;
    if (!response.complete || response.destroyed) {
      response.destroy();
      return Promise.resolve();
    }
    // Settles once the socket is free again, so that a redirect's next request can reuse it.
    return new Promise<void>((resolve) => {
      response.once("end", () => setImmediate(resolve));
      response.once("close", () => resolve());
      response.resume();
    });
  }

  text(): Promise<string> {
    return this.readText(DEFAULT_MAX_BODY_BYTES);
  }

  /**
   * The body decoded, as text; it rejects with a `BodyOverLimit` once more than `limit` bytes would be
   * held (the body is then cut, its socket closed), and with what failed when the body breaks off or does
   * not decode (the read fails with a `NetworkError`).
   */
  readText(limit: number): Promise<string> {
    const response = this.response;
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const encoding = this.get("content-encoding") ?? undefined;
    const identity = encoding === undefined || /^\s*(identity)?\s*$/i.test(encoding);
    const most = identity ? limit : limit + slack(limit);
    const length = this.get("content-length");
    if (identity && length !== null && /^\s*\d+\s*$/.test(length) && Number(length) > limit) {
      response.destroy();
      return Promise.reject(new BodyOverLimit(limit));
    }
    return new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let seen = 0;
      let settled = false;
      const fail = (error: unknown) => {
        if (settled) return;
        settled = true;
        reject(error);
      };
      response.on("data", (chunk: Buffer) => {
        seen += chunk.length;
        if (seen > most) {
          chunks.length = 0;
          response.destroy();
          fail(new BodyOverLimit(limit));
        } else chunks.push(chunk);
      });
      response.on("error", fail);
      response.on("close", () => {
        if (!response.complete) fail(this.failure ?? new Error("the connection closed before the body ended"));
      });
      response.on("end", () => {
        if (settled) return;
        settled = true;
        try {
          const text = decode(encoding, chunks, limit).toString("utf8");
          // As fetch's text(): a UTF-8 byte order mark is not part of the text.
          resolve(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
        } catch (error) {
          reject(error);
        }
      });
    });
  }
}
