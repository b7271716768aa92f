/// <reference types="node" />
// `#transport` on Node (the "node" condition of package.json `imports`): reads over node:http / node:https
// instead of fetch, when nothing asks for fetch. On loopback keep-alive a node:http GET costs well under
// half of a fetch, and it leaves nothing for a FinalizationRegistry (undici registers every Response and
// every Request made with a signal in one, which keeps ~15 kB per read past minor collections).
// Self-contained on purpose (node builtins, types and its fetch check only): it stays out of every non-Node
// bundle.
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import zlib from "node:zlib";
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
 * them (nock, OpenTelemetry's http instrumentation) sees the request. The body is collected whole before
 * the answer resolves (so the socket goes back to the agent) and decoded (gzip, deflate, br) only when
 * `text()` reads it, as fetch does: a body core never reads (a 3xx) cannot fail the read. A 3xx is returned
 * as it is. The run's `cut`
 * destroys the request: no AbortController, no timer of its own. A request that fails on a reused
 * keep-alive socket before any answer (the server closed it meanwhile) is sent once more on a new one.
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
      collect(response, resolve, reject);
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

function collect(
  response: IncomingMessage,
  resolve: (answer: HttpAnswer) => void,
  reject: (error: unknown) => void,
): void {
  const chunks: Buffer[] = [];
  response.on("data", (chunk: Buffer) => chunks.push(chunk));
  response.on("error", reject);
  response.on("end", () => resolve(new NodeAnswer(response, chunks)));
}

/** Decoded bodies larger than this are refused (a compression bomb), as a failed read. */
const MAX_DECODED = 64 * 1024 * 1024;

/** The body as text, decoded from its Content-Encoding(s), applied in reverse; an unknown one is kept. */
function decode(encoding: string | undefined, chunks: readonly Buffer[]): string {
  let body = chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks);
  if (encoding !== undefined && body.length > 0) {
    const codings = encoding.toLowerCase().split(",");
    for (let i = codings.length - 1; i >= 0; i--) {
      const coding = (codings[i] as string).trim();
      const options = { maxOutputLength: MAX_DECODED };
      if (coding === "gzip" || coding === "x-gzip") body = zlib.gunzipSync(body, options);
      // "deflate" is zlib-wrapped (RFC 9110), but some servers send it raw: a zlib header is CM 8 and a check.
      else if (coding === "deflate")
        body = isZlib(body) ? zlib.inflateSync(body, options) : zlib.inflateRawSync(body, options);
      else if (coding === "br") body = zlib.brotliDecompressSync(body, options);
      else if (coding !== "identity" && coding !== "") break;
    }
  }
  const text = body.toString("utf8");
  // As fetch's text(): a UTF-8 byte order mark is not part of the text.
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const isZlib = (body: Buffer): boolean =>
  body.length > 1 &&
  ((body[0] as number) & 0x0f) === 8 &&
  (((body[0] as number) << 8) | (body[1] as number)) % 31 === 0;

/** An answer over node:http: it is its own header reader, and its body is already read, still encoded. */
class NodeAnswer implements HttpAnswer {
  readonly status: number;
  readonly ok: boolean;
  readonly body = null;
  private readonly fields: IncomingMessage["headers"];

  constructor(
    response: IncomingMessage,
    private readonly chunks: readonly Buffer[],
  ) {
    this.status = response.statusCode ?? 0;
    this.ok = this.status >= 200 && this.status < 300;
    this.fields = response.headers;
  }

  get headers(): this {
    return this;
  }

  /** `Headers.get`: the field's value, repeated fields joined with ", ", or null. */
  get(name: string): string | null {
    const value = this.fields[name.toLowerCase()];
    return value === undefined ? null : typeof value === "string" ? value : value.join(", ");
  }

  /** The body decoded; a body that does not decode rejects (the read fails with a `NetworkError`). */
  text(): Promise<string> {
    try {
      return Promise.resolve(decode(this.get("content-encoding") ?? undefined, this.chunks));
    } catch (error) {
      return Promise.reject(error);
    }
  }
}
