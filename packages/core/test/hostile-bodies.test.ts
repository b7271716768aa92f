// Bodies no read should hold whole: too large, endless, compression bombs, redirects that never end their
// body. Each case runs on the node:http transport, the injected fetch and the typed client, against a
// loopback server; every read must end, in bounded time, with the typed error that names the limit.
import type { ServerResponse } from "node:http";
import { constants, gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { describedProvider } from "../src/described/index.js";
import {
  createOperationReader,
  createProviderClient,
  DEFAULT_MAX_BODY_BYTES,
  type ProviderDescription,
  ResponseError,
  ServerError,
  ValidationError,
} from "../src/index.js";
import { acme } from "./acme.js";
import { serve } from "./loopback.js";

const TOKEN = "tok_hostile_9f8e7d6c5b";
const JOB = JSON.stringify({ id: "j1", state: "DONE" });

/** Writes chunks of `chunk` until the client goes away (or `total` bytes are written). */
function endless(res: ServerResponse, chunk: Buffer, total = Number.POSITIVE_INFINITY): void {
  let sent = 0;
  const pump = () => {
    while (sent < total && !res.destroyed) {
      sent += chunk.length;
      if (!res.write(chunk)) {
        res.once("drain", pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  res.on("error", () => undefined);
  pump();
}

/** A gzip body of `size` zero bytes, made once per size (a bomb: ~1000 times smaller than what it expands to). */
const bombs = new Map<number, Buffer>();
function bomb(size: number): Buffer {
  let body = bombs.get(size);
  if (body === undefined) {
    body = gzipSync(Buffer.alloc(size), { level: constants.Z_BEST_COMPRESSION });
    bombs.set(size, body);
  }
  return body;
}

const description = (base: string, adapter: Partial<ProviderDescription["adapter"]> = {}) =>
  acme({ server: base, adapter });

type Via = "node:http" | "fetch option";
const VIAS: Via[] = ["node:http", "fetch option"];
const options = (via: Via, more: Record<string, unknown> = {}) => ({
  token: TOKEN,
  ...(via === "fetch option" ? { fetch: (input: RequestInfo | URL, init?: RequestInit) => fetch(input, init) } : {}),
  ...more,
});

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected the read to fail");
    },
    (error: unknown) => error,
  );
}

function expectOverLimit(error: unknown, limit: number): void {
  expect(error).toBeInstanceOf(ResponseError);
  const message = (error as Error).message;
  expect(message).toContain("maxBodyBytes");
  expect(message).toContain(String(limit));
  expect((error as ResponseError).retryable).toBe(false);
}

describe.each(VIAS)("a read's body limit (%s)", (via) => {
  it("is 1 MiB by default and refuses a 200 MB body it announces, before reading it", async () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(1024 * 1024);
    const base = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(200 * 1024 * 1024) });
      endless(res, Buffer.alloc(64 * 1024, 0x20));
    });
    const reader = createOperationReader(describedProvider(description(base)), options(via));
    expectOverLimit(await failure(reader.getOperation("j1")), DEFAULT_MAX_BODY_BYTES);
  });

  it("cuts an endless chunked body at the limit, well before the deadline", async () => {
    const base = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      endless(res, Buffer.from(`{"pad":"${"x".repeat(16 * 1024)}",`));
    });
    const reader = createOperationReader(
      describedProvider(description(base)),
      options(via, { maxBodyBytes: 256 * 1024 }),
    );
    const started = Date.now();
    expectOverLimit(await failure(reader.getOperation("j1", { deadline: Date.now() + 20_000 })), 256 * 1024);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("counts decoded bytes: a gzip bomb is cut at the limit, a small gzip body is read", async () => {
    const base = await serve((req, res) => {
      if (req.url === "/jobs/small") {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(gzipSync(JOB));
      } else {
        res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" }).end(bomb(64 << 20));
      }
    });
    const reader = createOperationReader(describedProvider(description(base)), options(via));
    await expect(reader.getOperation("small")).resolves.toMatchObject({ body: { id: "j1", state: "DONE" } });
    const before = process.memoryUsage().rss;
    for (let i = 0; i < 4; i++) expectOverLimit(await failure(reader.getOperation("boom")), DEFAULT_MAX_BODY_BYTES);
    // Four bombs of 64 MiB each, read one after the other: none was held (generous: the test runner's own noise).
    expect(process.memoryUsage().rss - before).toBeLessThan(48 * 1024 * 1024);
  });

  it("reads a body of exactly the limit, and refuses one byte more", async () => {
    const limit = 4096;
    const body = (size: number) => {
      const head = '{"id":"j1","state":"DONE","pad":"';
      return `${head}${"p".repeat(size - head.length - 2)}"}`;
    };
    const base = await serve((req, res) => {
      const size = req.url === "/jobs/at" ? limit : limit + 1;
      // Chunked, no Content-Length: the limit is met while streaming.
      res.writeHead(200, { "content-type": "application/json" });
      res.write(body(size).slice(0, 100));
      res.end(body(size).slice(100));
    });
    const reader = createOperationReader(describedProvider(description(base)), options(via, { maxBodyBytes: limit }));
    await expect(reader.getOperation("at")).resolves.toMatchObject({ body: { id: "j1" } });
    expectOverLimit(await failure(reader.getOperation("over")), limit);
  });

  it("answers a mapped 303 by its Location without waiting for its endless body", async () => {
    const base = await serve((_req, res) => {
      res.writeHead(303, { location: "/installs/i9", "content-type": "text/html" });
      endless(res, Buffer.alloc(16 * 1024, 0x61));
    });
    const reader = createOperationReader(
      describedProvider(description(base, { redirects: { "303": "succeeded" } })),
      options(via),
    );
    const snapshot = await reader.getOperation("j1", { deadline: Date.now() + 5000 });
    expect(snapshot).toMatchObject({ httpStatus: 303, location: `${base}/installs/i9`, body: undefined });
  });

  it("keeps an error answer's status when its body is over the limit: a 503 is still a ServerError", async () => {
    const base = await serve((_req, res) => {
      res.writeHead(503, { "content-type": "application/json" });
      endless(res, Buffer.alloc(16 * 1024, 0x20));
    });
    const reader = createOperationReader(
      describedProvider(description(base)),
      options(via, { maxBodyBytes: 64 * 1024 }),
    );
    const error = await failure(reader.getOperation("j1"));
    expect(error).toBeInstanceOf(ServerError);
    expect((error as ServerError).retryable).toBe(true);
  });

  it("follows a same-origin redirect whose body never ends, then reads the operation", async () => {
    const base = await serve((req, res) => {
      if (req.url === "/jobs/old") {
        res.writeHead(302, { location: "/jobs/j1" });
        endless(res, Buffer.alloc(16 * 1024, 0x61));
      } else res.writeHead(200, { "content-type": "application/json" }).end(JOB);
    });
    const reader = createOperationReader(describedProvider(description(base)), options(via));
    await expect(reader.getOperation("old", { deadline: Date.now() + 5000 })).resolves.toMatchObject({
      httpStatus: 200,
      body: { id: "j1" },
    });
  });
});

describe("the maxBodyBytes option", () => {
  it("takes a positive whole number of bytes, and refuses anything else before any request", () => {
    for (const maxBodyBytes of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "1024"]) {
      expect(() => createOperationReader(describedProvider(acme()), { token: TOKEN, maxBodyBytes } as never)).toThrow(
        /maxBodyBytes option must be a positive whole number/,
      );
      expect(() => createOperationReader(describedProvider(acme()), { token: TOKEN, maxBodyBytes } as never)).toThrow(
        ValidationError,
      );
    }
    expect(() => createOperationReader(describedProvider(acme()), { token: TOKEN, maxBodyBytes: 10 })).not.toThrow();
  });

  it("bounds the typed client's bodies too, as openapi-fetch reads them", async () => {
    const base = await serve((req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      if (req.url === "/jobs/small") res.end(JOB);
      else endless(res, Buffer.from(`{"pad":"${"x".repeat(8 * 1024)}",`));
    });
    const client = createProviderClient<never>(describedProvider(description(base)), {
      token: TOKEN,
      maxBodyBytes: 32 * 1024,
    });
    const get = (job: string) =>
      (client as unknown as { GET: (path: string, init: object) => Promise<unknown> }).GET("/jobs/{job}", {
        params: { path: { job } },
      });
    await expect(get("small")).resolves.toMatchObject({ data: { id: "j1" } });
    expectOverLimit(await failure(get("big")), 32 * 1024);
  });

  it("reads a stand-in fetch's answer that has no stream within the limit too", async () => {
    const text = JSON.stringify({ id: "j1", state: "DONE", pad: "é".repeat(600) });
    const stub = (async () => ({
      status: 200,
      ok: true,
      headers: new Headers({ "content-type": "application/json" }),
      text: async () => text,
    })) as unknown as typeof fetch;
    const small = createOperationReader(describedProvider(acme()), { token: TOKEN, fetch: stub, maxBodyBytes: 1000 });
    // 600 "é" are 1200 bytes in UTF-8: over a 1000-byte limit although the text has under 1000 characters.
    expectOverLimit(await failure(small.getOperation("j1")), 1000);
    const large = createOperationReader(describedProvider(acme()), { token: TOKEN, fetch: stub, maxBodyBytes: 2000 });
    await expect(large.getOperation("j1")).resolves.toMatchObject({ body: { id: "j1" } });
  });
});
