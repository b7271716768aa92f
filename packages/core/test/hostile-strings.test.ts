// What a server says ends up in errors: every such string is masked before it is cut, capped, and kept as
// plain data. Loopback servers (node:http and raw TCP) and stand-in fetches play the hostile server.
import http from "node:http";
import net, { type AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { describedProvider } from "../src/described/index.js";
import {
  createOperationReader,
  MAX_FIELD_CHARS,
  MAX_MESSAGE_CHARS,
  NetworkError,
  NotFoundError,
  OperationFailedError,
  type OpwatchError,
  ResponseError,
  redactDeep,
  TimeoutError,
} from "../src/index.js";
import { acme } from "./acme.js";

const TOKEN = "tok_echoed_1a2b3c4d5e6f7a8b9c0d";

const closers: (() => void)[] = [];
afterEach(() => {
  for (const close of closers.splice(0)) close();
});

/** Every way an error is shown: message, stack, JSON, inspect (deep), and its cause chain. */
function shown(error: unknown): string {
  const parts = [String(error), (error as Error).stack ?? "", JSON.stringify(error), inspect(error, { depth: 20 })];
  for (let cause = (error as Error).cause; cause !== undefined; cause = (cause as Error).cause) {
    parts.push(inspect(cause, { depth: 20, maxStringLength: Number.POSITIVE_INFINITY }), JSON.stringify(cause) ?? "");
  }
  return parts.join("\n");
}

/** Every part of the token longer than 8 characters: none may be shown, whole or cut. */
const tokenParts = (): string[] => {
  const parts: string[] = [];
  for (let length = 9; length <= TOKEN.length; length++) parts.push(TOKEN.slice(0, length), TOKEN.slice(-length));
  return parts;
};

function expectNoToken(text: string): void {
  for (const part of tokenParts()) expect(text).not.toContain(part);
}

const stub = (respond: () => Response): typeof fetch => (async () => respond()) as unknown as typeof fetch;

async function failure(promise: Promise<unknown>): Promise<OpwatchError> {
  return promise.then(
    () => {
      throw new Error("expected the read to fail");
    },
    (error: OpwatchError) => error,
  );
}

describe("a server's strings in errors", () => {
  it("masks a token in a Content-Type before cutting it, wherever the cut falls", async () => {
    for (let at = 0; at < 120; at += 7) {
      const type = `text/html; ${"q".repeat(at)}; session=${TOKEN}; charset=utf-8`;
      const reader = createOperationReader(describedProvider(acme()), {
        token: TOKEN,
        fetch: stub(() => new Response("<html>", { headers: { "content-type": type } })),
      });
      const error = await failure(reader.getOperation("j1"));
      expect(error).toBeInstanceOf(ResponseError);
      expect(error.message).toContain("Content-Type");
      expectNoToken(shown(error));
    }
  });

  it("caps a 2 MB code, request id and message of an error answer, with the token masked first", async () => {
    const huge = (what: string) => `${what}-${"z".repeat(2 * 1024 * 1024)}-${TOKEN}`;
    const reader = createOperationReader(
      describedProvider(
        acme({ adapter: { errorBody: { code: "/code", message: "/message", requestId: "/request_id" } } }),
      ),
      {
        token: TOKEN,
        // Over the default limit (which would drop the body): raised, so the strings reach the error.
        maxBodyBytes: 16 * 1024 * 1024,
        fetch: stub(
          () =>
            new Response(JSON.stringify({ code: huge("c"), message: huge("m"), request_id: huge("r") }), {
              status: 404,
            }),
        ),
      },
    );
    const error = await failure(reader.getOperation("j1"));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.code?.length).toBeLessThanOrEqual(MAX_FIELD_CHARS);
    expect(error.requestId?.length).toBeLessThanOrEqual(MAX_FIELD_CHARS);
    expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(error.code).toMatch(/^c-z+…$/);
    expect(shown(error).length).toBeLessThan(64 * 1024);
    expectNoToken(shown(error));
  });

  it("caps any message and keeps its end (the advice): a 20 MB status word in a TimeoutError", () => {
    const word = `${"W".repeat(20 * 1024 * 1024)}${TOKEN}`;
    const error = new TimeoutError(`wait not done; last state: unknown (${word}). Raise maxWaitMs.`, undefined, {
      secrets: [TOKEN],
    });
    expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(error.message.startsWith("wait not done; last state: unknown (WWW")).toBe(true);
    expect(error.message.endsWith("[REDACTED]). Raise maxWaitMs.")).toBe(true);
  });

  it("keeps no echoed token in a parse error's raw bytes (rawPacket) on the cause chain", async () => {
    // A response node:http refuses to parse, echoing the request's Authorization header back in it.
    const server = net.createServer((socket) => {
      socket.once("data", (request) => {
        const auth = /authorization: ([^\r\n]*)/i.exec(request.toString("latin1"))?.[1] ?? "";
        socket.end(`HTTP/1.1 200 OK\r\nx-echo: ${auth}\r\nbad header \u0001 ${auth}\r\n\r\n{}`);
      });
      socket.on("error", () => undefined);
    });
    closers.push(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const reader = createOperationReader(describedProvider(acme({ server: base })), { token: TOKEN });
    const error = await failure(reader.getOperation("j1"));
    expect(error).toBeInstanceOf(NetworkError);
    const cause = error.cause as { rawPacket?: unknown; code?: unknown };
    expect(cause.code).toMatch(/^HPE_/);
    // The raw bytes are kept as text, masked: still there to debug with.
    expect(typeof cause.rawPacket).toBe("string");
    expect(cause.rawPacket).toContain("[REDACTED]");
    expectNoToken(shown(error));
  });

  it("keeps no echoed token in a fetch parse error's cause either", async () => {
    const server = net.createServer((socket) => {
      socket.once("data", (request) => {
        const auth = /authorization: ([^\r\n]*)/i.exec(request.toString("latin1"))?.[1] ?? "";
        socket.end(`HTTP/1.1 200 OK\r\nbad header \u0001 ${auth}\r\n\r\n{}`);
      });
      socket.on("error", () => undefined);
    });
    closers.push(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const reader = createOperationReader(describedProvider(acme({ server: base })), {
      token: TOKEN,
      fetch: (input, init) => fetch(input, init),
    });
    const error = await failure(reader.getOperation("j1"));
    expect(error).toBeInstanceOf(NetworkError);
    expectNoToken(shown(error));
  });

  it("echoed in an error answer's x-request-id header, a token is masked in requestId", async () => {
    const server = http.createServer((_req, res) => {
      res.writeHead(404, { "x-request-id": `req-${TOKEN}` }).end("gone");
    });
    closers.push(() => server.close());
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const error = await failure(
      createOperationReader(describedProvider(acme({ server: base })), { token: TOKEN }).getOperation("j1"),
    );
    expect(error.requestId).toBe("req-[REDACTED]");
    expectNoToken(shown(error));
  });
});

describe("redacted copies of a server's data", () => {
  it("mask a token at any depth, without overflowing the stack", () => {
    let deep: unknown = { note: `echo ${TOKEN}` };
    for (let i = 0; i < 200_000; i++) deep = i % 2 ? { next: deep } : [deep];
    const error = new OperationFailedError("op ended failed.", { raw: deep }, { secrets: [TOKEN] });
    let node = (error.finalStatus as { raw: unknown }).raw;
    for (let i = 199_999; i >= 0; i--) node = i % 2 ? (node as { next: unknown }).next : (node as unknown[])[0];
    expect(node).toEqual({ note: "echo [REDACTED]" });
  });

  it("are plain data: a __proto__ key stays an own property and never becomes the prototype", () => {
    const body = JSON.parse(`{"status":"failed ${TOKEN}","__proto__":{"polluted":true,"token":"${TOKEN}"}}`);
    const copy = redactDeep(body, [TOKEN]) as Record<string, unknown>;
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
    expect((copy as { polluted?: unknown }).polluted).toBeUndefined();
    expect(Object.hasOwn(copy, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(copy, "__proto__")?.value).toEqual({
      polluted: true,
      token: "[REDACTED]",
    });
    expect(copy.status).toBe("failed [REDACTED]");
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
  });

  it("turn binary data into masked text, and a cycle into a marker", () => {
    const cyclic: Record<string, unknown> = { bytes: new TextEncoder().encode(`GET / ${TOKEN}`) };
    cyclic.self = cyclic;
    const copy = redactDeep(cyclic, [TOKEN]) as Record<string, unknown>;
    expect(copy.bytes).toBe("GET / [REDACTED]");
    expect(copy.self).toBe("[Circular]");
  });

  it("return the value itself when nothing in it changes", () => {
    const body = { a: [1, { b: "plain" }], c: new Date(0) };
    expect(redactDeep(body, [TOKEN])).toBe(body);
  });
});

describe("a 200 without the status the spec points to", () => {
  it.each([
    ["an empty object", "{}"],
    ["an array", "[]"],
    ["a number", "5"],
    ["a null status", '{"id":"j1","state":null}'],
    ["an object where the word should be", '{"id":"j1","state":{"name":"DONE"}}'],
  ])("is a retryable ResponseError naming the pointer and the base URL: %s", async (_what, body) => {
    const reader = createOperationReader(describedProvider(acme()), {
      token: TOKEN,
      fetch: stub(() => new Response(body)),
    });
    const error = await failure(reader.getOperation("j1"));
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("(/state)");
    expect(error.message).toContain("baseUrl option (https://api.acme.test)");
  });

  it("is not what an unknown status word is: that reads, and maps to unknown", async () => {
    const reader = createOperationReader(describedProvider(acme()), {
      token: TOKEN,
      fetch: stub(() => new Response('{"id":"j1","state":"SOMETHING_NEW"}')),
    });
    await expect(reader.getOperation("j1")).resolves.toMatchObject({ body: { state: "SOMETHING_NEW" } });
  });

  it("is not missing when a rule of the spec decides the state without the word", async () => {
    const description = acme({
      adapter: {
        status: {
          pointer: "/state",
          map: { DONE: "succeeded" },
          when: [{ pointer: "/error", present: true, state: "failed" }],
        },
      },
    });
    const reader = createOperationReader(describedProvider(description), {
      token: TOKEN,
      fetch: stub(() => new Response('{"id":"j1","error":{"code":"E"}}')),
    });
    await expect(reader.getOperation("j1")).resolves.toMatchObject({ body: { error: { code: "E" } } });
  });
});
