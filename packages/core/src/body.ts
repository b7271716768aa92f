// Every body opwatch reads is read against a limit, counted in decoded bytes as they arrive: whatever a
// server sends (a 200 MB answer, an endless chunked one, a compression bomb), a read holds at most the limit
// in memory and stops there. The node:http transport counts while it decodes (`readText`); a fetch
// `Response` is read here from its stream (fetch has decoded it already).
import type { HttpAnswer } from "./transport.js";

/** The per-read body limit when the `maxBodyBytes` option is not given: 1 MiB. @internal */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** A body went over the limit (thrown by the readers, turned into a `ResponseError` by the read path). @internal */
export class BodyOverLimit extends Error {
  constructor(readonly limit: number) {
    super(`the body is over ${limit} bytes`);
    this.name = "BodyOverLimit";
  }
}

/**
 * The answer's body as text (UTF-8, a byte order mark dropped, as `Response.text()`), read until `limit`
 * decoded bytes: one byte more and the body is cancelled and this rejects with {@link BodyOverLimit}. A
 * `Content-Length` over the limit (with no `Content-Encoding`) is refused before any byte is read. @internal
 */
export async function readBodyText(answer: HttpAnswer, limit: number): Promise<string> {
  if (typeof answer.readText === "function") return answer.readText(limit);
  const body = answer.body;
  if (announcedOver(answer, limit)) {
    body?.cancel().catch(() => undefined);
    throw new BodyOverLimit(limit);
  }
  if (body != null && typeof body.getReader === "function") return readStream(body.getReader(), limit);
  // An answer that has no stream to read (a stand-in fetch's plain object): its text, measured.
  const text = await answer.text();
  if (text.length > limit || utf8Length(text) > limit) throw new BodyOverLimit(limit);
  return text;
}

/** Whether the answer says, before its body, that the body is over the limit. @internal */
export function announcedOver(answer: HttpAnswer, limit: number): boolean {
  const encoding = answer.headers.get("content-encoding");
  if (encoding !== null && encoding.trim() !== "" && encoding.trim().toLowerCase() !== "identity") return false;
  const length = answer.headers.get("content-length");
  return length !== null && /^\s*\d+\s*$/.test(length) && Number(length) > limit;
}

async function readStream(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  let seen = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      seen += value.byteLength;
      if (seen > limit) {
        reader.cancel().catch(() => undefined);
        throw new BodyOverLimit(limit);
      }
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
  return text + decoder.decode();
}

/** Bytes of `text` in UTF-8. */
function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * `response` with its body counted as it is read: past `limit` bytes the stream errors with what
 * `overLimit` makes (the typed client's `response.json()` then rejects with it), and the source is
 * cancelled. A response without a body, or one whose status a `Response` cannot be made with, is returned
 * as it is. @internal
 */
export function limitResponse(response: Response, limit: number, overLimit: () => Error): Response {
  const body = response.body;
  if (body === null || response.status < 200 || response.status > 599 || NULL_BODY.has(response.status)) {
    return response;
  }
  if (announcedOver(response, limit)) {
    body.cancel().catch(() => undefined);
    throw overLimit();
  }
  let seen = 0;
  const counted = body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > limit) controller.error(overLimit());
        else controller.enqueue(chunk);
      },
    }),
  );
  const limited = new Response(counted, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  // What the new Response cannot be given: where the answer came from.
  Object.defineProperty(limited, "url", { value: response.url });
  Object.defineProperty(limited, "redirected", { value: response.redirected });
  return limited;
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);
