// Every provider against hostile loopback servers, through the facade (get, wait) on the default transport:
// bodies too large or endless, server strings huge and laced with terminal controls and the token, bodies
// without the status. Each read ends with a status or a typed error, in bounded time and memory; no token
// appears anywhere in an error; every string a server sent is capped where it surfaces.
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { MAX_FIELD_CHARS, MAX_MESSAGE_CHARS, type ProviderDescription, pointerTokens } from "@opwatch/core";
import fc from "fast-check";
import { createWatcher, OperationFailedError, type OpwatchError, ResponseError, register, TimeoutError } from "opwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { providers } from "../src/index.js";
import type { ProviderCase } from "../src/providers.js";

const TOKEN = "tok_hostile_server_5e4d3c2b1a";
const runs = Number(process.env.FUZZ_RUNS ?? 25);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : 20261207;

let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => res.end();
let base = "";
const server = http.createServer((req, res) => handle(req, res));
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

/** A copy of `body` with `value` at `pointer` (objects made along the way). */
function withValue(body: unknown, pointer: string, value: unknown): unknown {
  const copy = structuredClone(body ?? {}) as Record<string, unknown>;
  const tokens = pointerTokens(pointer);
  let node = copy;
  for (const [i, token] of tokens.entries()) {
    if (i === tokens.length - 1) node[token] = value;
    else {
      if (node[token] === null || typeof node[token] !== "object") node[token] = {};
      node = node[token] as Record<string, unknown>;
    }
  }
  return copy;
}

/** A status word of the spec for `state`. */
function wordFor(description: ProviderDescription, state: string): string {
  for (const [word, mapping] of Object.entries(description.adapter.status.map ?? {})) {
    if ((typeof mapping === "string" ? mapping : mapping.state) === state) return word;
  }
  throw new Error(`${description.name}: no status word for ${state}`);
}

function watch(p: ProviderCase, options: Record<string, unknown> = {}) {
  const watcher = createWatcher({ providers: [register(p.module, { token: TOKEN, baseUrl: base, ...options })] });
  const ref = { provider: p.name, endpoint: p.description.defaultEndpoint, params: p.validParams, baseUrl: base };
  return { watcher, ref: ref as never };
}

const json = (res: ServerResponse, body: unknown, status = 200) =>
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));

/** Writes `chunk` until the client goes away; resolves with the bytes written. */
function flood(res: ServerResponse, chunk: Buffer): Promise<number> {
  return new Promise((resolve) => {
    let sent = 0;
    const pump = () => {
      while (!res.destroyed) {
        sent += chunk.length;
        if (sent > 220 * 1024 * 1024) {
          res.end();
          break;
        }
        if (!res.write(chunk)) {
          res.once("drain", pump);
          return;
        }
      }
    };
    res.on("error", () => undefined);
    res.on("close", () => resolve(sent));
    pump();
  });
}

async function failure(promise: Promise<unknown>): Promise<OpwatchError> {
  return promise.then(
    (value) => {
      throw new Error(`expected a failure, got ${inspect(value)}`);
    },
    (error: OpwatchError) => error,
  );
}

/** Every way an error is shown, the cause chain included. */
function shown(error: unknown): string {
  const parts = [String(error), (error as Error).stack ?? "", JSON.stringify(error), inspect(error, { depth: 12 })];
  for (let cause = (error as Error).cause; cause !== undefined; cause = (cause as Error).cause) {
    parts.push(inspect(cause, { depth: 12 }), JSON.stringify(cause) ?? "");
  }
  return parts.join("\n");
}

function expectNoTokenPart(text: string): void {
  for (let length = 8; length <= TOKEN.length; length++) {
    expect(text).not.toContain(TOKEN.slice(0, length));
    expect(text).not.toContain(TOKEN.slice(-length));
  }
}

const CONTROLS = "\u001b[2J\u001b]0;pwned\u0007\r\u009b31m\nFORGED succeeded in 1s\n";

describe.each(providers)("$name against a hostile server", (p) => {
  const example = p.examples[0];
  const pointer = p.description.adapter.status.pointer as string;

  it("fails a get of an endless 200 MB body with the limit's typed error, cutting the body early", async () => {
    let written: Promise<number> = Promise.resolve(0);
    handle = (_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      written = flood(res, Buffer.alloc(256 * 1024, 0x20));
    };
    const { watcher, ref } = watch(p);
    const error = await failure(watcher.get(ref));
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.message).toMatch(/over 1048576 bytes \(the maxBodyBytes option\)/);
    expect(await written).toBeLessThan(64 * 1024 * 1024);
  });

  it("takes a larger body when maxBodyBytes is raised on the registration", async () => {
    const padded = withValue(example, "/padding", "p".repeat(1536 * 1024));
    handle = (_req, res) => json(res, withValue(padded, pointer, wordFor(p.description, "running")));
    const small = watch(p);
    await expect(small.watcher.get(small.ref)).rejects.toThrow(/maxBodyBytes/);
    const large = watch(p, { maxBodyBytes: 4 * 1024 * 1024 });
    await expect(large.watcher.get(large.ref)).resolves.toMatchObject({ state: "running" });
  });

  it("caps and masks a huge status word laced with terminal controls in a wait's TimeoutError", async () => {
    const word = `${CONTROLS}${"W".repeat(600 * 1024)}${TOKEN}`;
    handle = (_req, res) => json(res, withValue(example, pointer, word));
    const { watcher, ref } = watch(p);
    const error = await failure(watcher.wait(ref, { maxWaitMs: 250, minDelayMs: 20, maxDelayMs: 40 }));
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    expect(error.message).toMatch(/maxWaitMs/);
    expect((error as TimeoutError<{ rawStatus: string }>).lastStatus?.rawStatus).toContain("[REDACTED]");
    expectNoTokenPart(shown(error));
  });

  it("caps and masks a failed operation's huge failure code and message in OperationFailedError", async () => {
    const huge = (what: string) => `${what}${CONTROLS}${"F".repeat(300 * 1024)}${TOKEN}`;
    const { failure: where = {} } = p.description.adapter;
    let body = withValue(example, pointer, wordFor(p.description, "failed"));
    const message = [where.message ?? []].flat()[0];
    if (message) body = withValue(body, message, huge("message"));
    if (where.code) body = withValue(body, where.code, huge("code"));
    handle = (_req, res) => json(res, body);
    const { watcher, ref } = watch(p);
    const error = await failure(watcher.wait(ref, { maxWaitMs: 5000 }));
    expect(error).toBeInstanceOf(OperationFailedError);
    expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
    if (where.code) expect(error.code?.length).toBeLessThanOrEqual(MAX_FIELD_CHARS);
    expectNoTokenPart(shown(error));
  });

  it.each([
    ["an empty object", {}],
    ["an array", [1, 2]],
    ["a number", 42],
  ])("retries a 200 without the status (%s) within the failure budget, then names the pointer", async (_what, body) => {
    let requests = 0;
    handle = (_req, res) => {
      requests++;
      json(res, body);
    };
    const { watcher, ref } = watch(p);
    const error = await failure(
      watcher.wait(ref, { maxWaitMs: 10_000, maxConsecutiveFailures: 3, minDelayMs: 1, maxDelayMs: 5 }),
    );
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.message).toContain("gave up after 3 failures in a row");
    expect(error.message).toContain(`(${pointer})`);
    expect(error.message).toContain("baseUrl");
    expect(requests).toBe(3);
  });

  it("reads a status word the spec does not know as unknown", async () => {
    handle = (_req, res) => json(res, withValue(example, pointer, "SOMETHING_NEW"));
    const { watcher, ref } = watch(p);
    await expect(watcher.get(ref)).resolves.toMatchObject({ state: "unknown", rawStatus: "SOMETHING_NEW" });
  });

  it(`keeps every token out of an error and caps every field, whatever the strings (${runs} runs)`, async () => {
    const laced = fc
      .tuple(fc.string({ unit: "binary", maxLength: 300 }), fc.nat({ max: 300 }), fc.nat({ max: 5000 }))
      .map(([text, at, pad]) => {
        const cut = Math.min(at, text.length);
        return `${text.slice(0, cut)}${"x".repeat(pad)}${TOKEN}${text.slice(cut)}`;
      });
    const answer = fc.record({
      status: fc.constantFrom(200, 400, 404, 409, 500),
      contentType: laced,
      code: laced,
      message: laced,
      word: laced,
    });
    await fc.assert(
      fc.asyncProperty(answer, async (a) => {
        handle = (_req, res) => {
          const body = JSON.stringify(
            a.status === 200
              ? withValue(example, pointer, a.word)
              : { code: a.code, error_code: a.code, message: a.message, cause: a.message, request_id: a.code },
          );
          // A header value node:http can carry: the same text, with what it refuses left out.
          const type = a.contentType.replace(/[^\t\x20-\x7e]/g, "");
          res.writeHead(a.status, { "content-type": `text/plain; x=${type}`, "x-request-id": type }).end(`${body}`);
        };
        const { watcher, ref } = watch(p);
        const outcome = await watcher.wait(ref, { maxWaitMs: 60, minDelayMs: 20, maxDelayMs: 20 }).then(
          () => undefined,
          (error: unknown) => error,
        );
        if (outcome === undefined) return;
        expect(outcome).toHaveProperty("retryable");
        const error = outcome as OpwatchError;
        expect(error.message.length).toBeLessThanOrEqual(MAX_MESSAGE_CHARS);
        if (error.code !== undefined) expect(error.code.length).toBeLessThanOrEqual(MAX_FIELD_CHARS);
        if (error.requestId !== undefined) expect(error.requestId.length).toBeLessThanOrEqual(MAX_FIELD_CHARS);
        expectNoTokenPart(shown(error));
      }),
      { numRuns: runs, seed },
    );
  });
});
