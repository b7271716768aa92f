// The default Node transport (node:http) against real loopback servers, and when reads use fetch instead.
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { afterEach, describe, expect, it, vi } from "vitest";
import { describedProvider } from "../src/described/index.js";
import {
  AbortError,
  createOperationReader,
  NetworkError,
  NotFoundError,
  type ProviderDescription,
  RateLimitError,
  ResponseError,
  TimeoutError,
} from "../src/index.js";
import { fetchIsNodeOwn, nodeTransport } from "../src/transport-node.js";
import { acme, timersLeftBy } from "./acme.js";

const TOKEN = "secret-token-5a4b3c2d";
const JOB = JSON.stringify({ id: "j1", state: "DONE" });

interface Loopback {
  base: string;
  /** The headers of every request, in order. */
  seen: IncomingHttpHeaders[];
  /** Sockets the server accepted; each settles `closed` when it closes. */
  sockets: { socket: Socket; closed: Promise<void> }[];
}

const servers: http.Server[] = [];
afterEach(() => {
  vi.unstubAllGlobals();
  vi.unstubAllEnvs();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(handle: (req: IncomingMessage, res: ServerResponse, loopback: Loopback) => void) {
  const loopback: Loopback = { base: "", seen: [], sockets: [] };
  const server = http.createServer((req, res) => {
    loopback.seen.push(req.headers);
    handle(req, res, loopback);
  });
  server.on("connection", (socket: Socket) => {
    loopback.sockets.push({ socket, closed: new Promise((resolve) => socket.once("close", () => resolve())) });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  loopback.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return loopback;
}

const reader = (base: string, more: { fetch?: typeof fetch; timeoutMs?: number; conditional?: boolean } = {}) => {
  const plain = acme({ server: base, auth: { type: "bearer" } });
  const description: ProviderDescription = {
    ...plain,
    endpoints: {
      getJob: {
        ...(plain.endpoints.getJob as ProviderDescription["endpoints"][string]),
        conditional: more.conditional ?? false,
      },
    },
  };
  return createOperationReader(describedProvider(description), {
    token: TOKEN,
    ...(more.fetch ? { fetch: more.fetch } : {}),
    ...(more.timeoutMs ? { timeoutMs: more.timeoutMs } : {}),
  });
};

const never = () => undefined;

describe("the default transport on Node", () => {
  it("is node:http while globalThis.fetch is Node's own: status, headers and body, over one kept-alive socket", async () => {
    const loopback = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", etag: '"v7"', "retry-after": "3" }).end(JOB);
    });
    expect(fetchIsNodeOwn()).toBe(true);
    const read = reader(loopback.base);
    const snapshot = await read.getOperation("j1");
    expect(snapshot).toMatchObject({ httpStatus: 200, body: { id: "j1" }, etag: '"v7"', retryAfter: 3 });
    await read.getOperation("j1");
    const [first] = loopback.seen;
    // What node:http sends (fetch adds sec-fetch-mode and accept-language), with fetch's encodings and agent.
    expect(first).toMatchObject({
      authorization: `Bearer ${TOKEN}`,
      accept: "application/json",
      "accept-encoding": "gzip, deflate",
      "user-agent": "node",
      connection: "keep-alive",
    });
    expect(first?.["sec-fetch-mode"]).toBeUndefined();
    expect(loopback.sockets).toHaveLength(1);
  });

  it("decodes gzip, deflate (zlib and raw), br and stacked bodies, and keeps an unknown encoding as is", async () => {
    const big = JSON.stringify({ id: "j1", state: "DONE", note: "é✓".repeat(40_000) }); // many chunks, split characters
    const bodies: Record<string, [string | undefined, Buffer]> = {
      gzip: ["gzip", gzipSync(JOB)],
      deflate: ["deflate", deflateSync(JOB)],
      raw: ["deflate", deflateRawSync(JOB)],
      br: ["br", brotliCompressSync(JOB)],
      stacked: ["deflate, gzip", gzipSync(deflateSync(JOB))],
      big: ["gzip", gzipSync(big)],
      plainBig: [undefined, Buffer.from(big)],
    };
    const loopback = await serve((req, res) => {
      const [encoding, body] = bodies[(req.url ?? "").slice("/jobs/".length)] as [string | undefined, Buffer];
      res.writeHead(200, encoding ? { "content-encoding": encoding } : {}).end(body);
    });
    const read = reader(loopback.base);
    for (const name of ["gzip", "deflate", "raw", "br", "stacked"]) {
      await expect(read.getOperation(name)).resolves.toMatchObject({ body: { id: "j1", state: "DONE" } });
    }
    for (const name of ["big", "plainBig"]) {
      expect((await read.getOperation(name)).body).toEqual(JSON.parse(big));
    }

    const odd = await serve((_req, res) => res.writeHead(200, { "content-encoding": "zstd-ish" }).end("as is"));
    const kept = await nodeTransport(`${odd.base}/x`, {}, { signal: undefined as never, onHalt: never });
    expect(await kept.text()).toBe("as is");
  });

  it("returns a 3xx as it is (core follows a same-origin one, with the token) and answers 304 to If-None-Match", async () => {
    const loopback = await serve((req, res) => {
      if (req.url === "/jobs/old") res.writeHead(302, { location: "/jobs/new" }).end("moved");
      else if (req.headers["if-none-match"] === '"v1"') res.writeHead(304, { etag: '"v1"' }).end();
      else res.writeHead(200, { etag: '"v1"' }).end(JOB);
    });
    const answer = await nodeTransport(`${loopback.base}/jobs/old`, {}, { signal: undefined as never, onHalt: never });
    expect(answer.status).toBe(302);
    expect(answer.ok).toBe(false);
    expect(answer.headers.get("Location")).toBe("/jobs/new");
    expect(loopback.seen).toHaveLength(1); // not followed

    const read = reader(loopback.base, { conditional: true });
    await expect(read.getOperation("old")).resolves.toMatchObject({ httpStatus: 200, body: { id: "j1" } });
    expect(loopback.seen.slice(1).map((h) => h.authorization)).toEqual([`Bearer ${TOKEN}`, `Bearer ${TOKEN}`]);
    await expect(read.getOperation("j1", { ifNoneMatch: '"v1"' })).resolves.toMatchObject({
      httpStatus: 304,
      notModified: true,
      etag: '"v1"',
      body: undefined,
    });

    const away = await serve((_req, res) => res.writeHead(307, { location: "https://evil.test/x" }).end());
    const error = await reader(away.base)
      .getOperation("j1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as Error).message).toContain("https://evil.test");
  });

  it("decodes a body only when core reads it: a 3xx with a broken gzip body is followed or refused as before", async () => {
    const broken = Buffer.from("not gzip at all");
    const loopback = await serve((req, res) => {
      if (req.url === "/jobs/old") res.writeHead(302, { location: "/jobs/j1", "content-encoding": "gzip" }).end(broken);
      else if (req.url === "/jobs/away") {
        res.writeHead(307, { location: "https://evil.test/x", "content-encoding": "gzip" }).end(broken);
      } else res.writeHead(200, { "content-encoding": "gzip" }).end(gzipSync(JOB));
    });
    const read = reader(loopback.base);
    await expect(read.getOperation("old")).resolves.toMatchObject({ httpStatus: 200, body: { id: "j1" } });
    const away = await read.getOperation("away").catch((e: unknown) => e);
    expect(away).toBeInstanceOf(ResponseError);
    expect((away as Error).message).toContain("https://evil.test");
    // The undecoded bodies were read off the wire whole: one kept-alive socket served all three requests.
    expect(loopback.seen).toHaveLength(3);
    expect(loopback.sockets).toHaveLength(1);
  });

  it("fails a read whose body it needs and cannot decode with a NetworkError, and the socket stays usable", async () => {
    let served = 0;
    const loopback = await serve((_req, res) => {
      served++;
      if (served === 1) res.writeHead(200, { "content-encoding": "gzip" }).end("not gzip at all");
      else res.writeHead(200).end(JOB);
    });
    const read = reader(loopback.base);
    const error = await read.getOperation("j1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(
      `acme: the request to ${loopback.base} failed (incorrect header check, Z_DATA_ERROR); check the network and the baseUrl option.`,
    );
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    await expect(read.getOperation("j1")).resolves.toMatchObject({ body: { id: "j1" } });
    expect(loopback.sockets).toHaveLength(1);
  });

  it("turns error answers into the typed errors, with the server's message", async () => {
    const loopback = await serve((req, res) => {
      if (req.url === "/jobs/gone") res.writeHead(404, { "x-request-id": "rq-1" }).end('{"message":"no such job"}');
      else res.writeHead(429, { "retry-after": "7" }).end("slow down");
    });
    const read = reader(loopback.base);
    const missing = await read.getOperation("gone").catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect((missing as NotFoundError).requestId).toBe("rq-1");
    const limited = await read.getOperation("busy").catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitError);
    expect((limited as RateLimitError).retryAfter).toBe(7);
  });

  it("cuts an unanswered read at timeoutMs by destroying the request: the socket closes, no timer is left", async () => {
    const loopback = await serve(never);
    let error: unknown;
    const left = await timersLeftBy(async () => {
      error = await reader(loopback.base, { timeoutMs: 50 })
        .getOperation("j1")
        .catch((e: unknown) => e);
    });
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).retryable).toBe(true);
    expect((error as Error).message).toContain("timed out after 50 ms");
    expect(left).toBe(0);
    await loopback.sockets[0]?.closed; // the server sees the connection go
    const name = `127.0.0.1:${new URL(loopback.base).port}:`; // and the agent lets it go: none busy, none kept
    await vi.waitFor(() => expect(http.globalAgent.sockets[name] ?? []).toHaveLength(0));
    expect(http.globalAgent.freeSockets[name] ?? []).toHaveLength(0);
  });

  it("cuts a read at its deadline (TimeoutError) and on the caller's signal (AbortError), closing the socket", async () => {
    const loopback = await serve(never);
    const started = Date.now();
    const late = await reader(loopback.base)
      .getOperation("j1", { deadline: started + 50 })
      .catch((e: unknown) => e);
    expect(late).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(5_000);
    await loopback.sockets[0]?.closed;

    const controller = new AbortController();
    const pending = reader(loopback.base).getOperation("j1", { signal: controller.signal });
    while (loopback.seen.length < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    controller.abort(new Error("user left"));
    expect(await pending.catch((e: unknown) => e)).toBeInstanceOf(AbortError);
    await loopback.sockets[1]?.closed;
  });

  it("cuts a read mid-body too", async () => {
    const loopback = await serve((_req, res) => {
      res.writeHead(200, { "content-length": "1000" });
      res.write('{"id":');
    });
    const error = await reader(loopback.base, { timeoutMs: 50 })
      .getOperation("j1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain("timed out");
    await loopback.sockets[0]?.closed;
  });

  it("fails a refused connection with a retryable NetworkError naming the code and host, never the token", async () => {
    const closed = await serve(never);
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
    const error = await reader(closed.base)
      .getOperation("j1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).retryable).toBe(true);
    expect((error as Error).message).toContain("ECONNREFUSED");
    expect((error as Error).message).toContain(`127.0.0.1:${new URL(closed.base).port}`);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect(String((error as Error).stack)).not.toContain(TOKEN);

    // fetch's own message says only "fetch failed": its cause is named too.
    const viaFetch = await reader(closed.base, { fetch })
      .getOperation("j1")
      .catch((e: unknown) => e);
    expect((viaFetch as Error).message).toContain("(fetch failed: connect ECONNREFUSED 127.0.0.1:");
  });

  it("names the code of an error whose message lacks it (a connection closed before any answer)", async () => {
    const loopback = await serve((req) => req.socket.destroy());
    const error = await reader(loopback.base)
      .getOperation("j1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain(`request to ${loopback.base} failed (socket hang up, ECONNRESET)`);
  });

  it("sends once more when the server closed a kept-alive socket the request went out on", async () => {
    let served = 0;
    const loopback = await serve((req, res) => {
      // The second request on a socket finds it closed, as when a server's keep-alive timeout races a read.
      const socket = req.socket as Socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served === 2) socket.destroy();
      else {
        served++;
        res.writeHead(200).end(JOB);
      }
    });
    const read = reader(loopback.base);
    await read.getOperation("j1");
    await expect(read.getOperation("j1")).resolves.toMatchObject({ body: { id: "j1" } });
    expect(served).toBe(2);
    expect(loopback.sockets).toHaveLength(2);
  });

  it("does not send again when a kept-alive socket resets after the answer began", async () => {
    let requests = 0;
    const loopback = await serve((req, res) => {
      requests++;
      const socket = req.socket as Socket & { served?: number };
      socket.served = (socket.served ?? 0) + 1;
      if (socket.served === 1) res.writeHead(200).end(JOB);
      else {
        res.writeHead(200, { "content-length": "1000" });
        res.write('{"id":');
        setTimeout(() => socket.resetAndDestroy(), 20);
      }
    });
    const read = reader(loopback.base);
    await read.getOperation("j1");
    await expect(read.getOperation("j1")).rejects.toBeInstanceOf(NetworkError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(requests).toBe(2);
  });

  it("drops a UTF-8 byte order mark, as fetch's text() does", async () => {
    const loopback = await serve((_req, res) => res.writeHead(200).end(`\uFEFF${JOB}`));
    await expect(reader(loopback.base).getOperation("j1")).resolves.toMatchObject({ body: { id: "j1" } });
  });
});

describe("reads use fetch instead", () => {
  it("when the fetch option is given", async () => {
    const loopback = await serve((_req, res) => res.writeHead(200).end(JOB));
    const calls: string[] = [];
    const fetch: typeof globalThis.fetch = (input, init) => {
      calls.push(String(input));
      return globalThis.fetch(input, init);
    };
    await expect(reader(loopback.base, { fetch }).getOperation("j1")).resolves.toMatchObject({ body: { id: "j1" } });
    expect(calls).toEqual([`${loopback.base}/jobs/j1`]);
    expect(loopback.seen[0]?.["sec-fetch-mode"]).toBe("cors"); // undici's
  });

  it("when globalThis.fetch is not Node's own (replaced at any time, by anything)", async () => {
    const loopback = await serve((_req, res) => res.writeHead(200).end(JOB));
    const calls: string[] = [];
    const original = globalThis.fetch;
    const madeBefore = reader(loopback.base);
    vi.stubGlobal("fetch", (input: RequestInfo | URL, init?: RequestInit) => {
      calls.push(String(input));
      return original(input, init);
    });
    expect(fetchIsNodeOwn()).toBe(false);
    await expect(reader(loopback.base).getOperation("j1")).resolves.toMatchObject({ body: { id: "j1" } });
    expect(calls).toHaveLength(1);
    // A reader made before the replacement sends its next read through the replacement too.
    await expect(madeBefore.getOperation("j2")).resolves.toMatchObject({ body: { id: "j1" } });
    expect(calls).toHaveLength(2);
    vi.unstubAllGlobals();
    expect(fetchIsNodeOwn()).toBe(true);
  });

  it("when fetch's global dispatcher is not the one Node's fetch made, or NODE_USE_ENV_PROXY is on", () => {
    const key = Symbol.for("undici.globalDispatcher.1");
    const global = globalThis as unknown as Record<symbol, unknown>;
    const before = global[key];
    try {
      global[key] = new (class ProxyAgent {})();
      expect(fetchIsNodeOwn()).toBe(false);
      // Named Agent is not enough (test/transport-dispatcher.test.ts has the real ones).
      global[key] = new (class Agent {})();
      expect(fetchIsNodeOwn()).toBe(false);
    } finally {
      global[key] = before;
    }
    vi.stubEnv("NODE_USE_ENV_PROXY", "1");
    expect(fetchIsNodeOwn()).toBe(false);
    vi.stubEnv("NODE_USE_ENV_PROXY", "0");
    expect(fetchIsNodeOwn()).toBe(true);
  });
});

describe("#transport", () => {
  it("is fetch everywhere but Node", async () => {
    const web = await import("../src/transport-web.js");
    const viaFetch = () => Promise.reject(new Error("not sent"));
    expect(web.platformTransport(viaFetch)).toBe(viaFetch);
  });

  it("keeps node:http and node:zlib out of a browser bundle, and in a Node one", async () => {
    const { build } = await import("esbuild");
    const bundle = async (platform: "browser" | "node") => {
      const result = await build({
        stdin: {
          contents: `export { createOperationReader } from "../dist/index.js";`,
          resolveDir: new URL(".", import.meta.url).pathname,
        },
        bundle: true,
        format: "esm",
        platform,
        write: false,
      });
      return result.outputFiles[0]?.text ?? "";
    };
    const browser = await bundle("browser");
    expect(browser).toContain("createOperationReader");
    expect(browser).not.toMatch(/node:(http|https|zlib)/);
    expect(await bundle("node")).toMatch(/from "node:http"/);
  });
});
