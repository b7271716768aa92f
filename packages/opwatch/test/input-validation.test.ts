// bad input is a typed error before any request, never a raw
// TypeError nor a retried NetworkError: a signal that is not an AbortSignal, a token that no HTTP header
// can carry (a line break read from a file, a control character, a character above U+00FF).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWatcher, OpwatchError, TimeoutError, ValidationError } from "../src/index.js";
import { fixtures } from "./support/fixtures.js";
import { everything, type Loopback, loopback, send } from "./support/raw-loopback.js";

let server: Loopback;
beforeAll(async () => {
  server = await loopback();
});
afterAll(() => server.close());

const BAD_TOKENS = ["tok_from_file_9d8c7b\n", "tok_9d8c7b\r\nX-Evil: 1", "tok_9d8c\u00007b", "tok_9d8c7b\u20ac"];

describe.each(fixtures)("$name: bad input", (f) => {
  it("a signal that is not an AbortSignal is a ValidationError before any request, for get, wait, watch and step", async () => {
    server.requests.length = 0;
    server.handle = (_req, res) => send(res, 200, f.running.body);
    const watcher = createWatcher({ providers: [f.register(server.url)] });
    const url = server.url + f.path;
    for (const signal of [{}, "abort", { aborted: false }]) {
      const options = { signal } as never;
      await expect(watcher.get(url, options)).rejects.toBeInstanceOf(ValidationError);
      await expect(watcher.wait(url, options)).rejects.toBeInstanceOf(ValidationError);
      await expect(watcher.step(url, undefined, options)).rejects.toBeInstanceOf(ValidationError);
      const watching = (async () => {
        for await (const _ of watcher.watch(url, options)) void _;
      })();
      await expect(watching).rejects.toBeInstanceOf(ValidationError);
    }
    expect(server.requests).toEqual([]);
  });

  it("a token no header can carry is refused at register(), and from a token function before any request", async () => {
    server.requests.length = 0;
    server.handle = (_req, res) => send(res, 200, f.running.body);
    for (const token of BAD_TOKENS) {
      const registering = (() => {
        try {
          return f.register(server.url, token);
        } catch (error) {
          return error;
        }
      })();
      expect(registering, JSON.stringify(token)).toBeInstanceOf(ValidationError);
      expect(everything(registering)).not.toContain("9d8c"); // a part of every bad token: JSON and inspect escape the rest

      const watcher = createWatcher({ providers: [f.register(server.url, async () => token)] });
      const started = Date.now();
      const error = await watcher.wait(server.url + f.path, { minDelayMs: 60_000 }).catch((e: unknown) => e);
      expect(error, JSON.stringify(token)).toBeInstanceOf(OpwatchError);
      expect((error as OpwatchError).retryable).toBe(false);
      expect(everything(error)).not.toContain("9d8c"); // a part of every bad token: JSON and inspect escape the rest
      expect(Date.now() - started).toBeLessThan(10_000); // not retried after a backoff (of a minute at least)
    }
    expect(server.requests).toEqual([]);
  });

  it("maxWaitMs 0 ends at once, its message in milliseconds", async () => {
    const watcher = createWatcher({ providers: [f.register(server.url)] });
    const error = await watcher.wait(server.url + f.path, { maxWaitMs: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as Error).message).toMatch(/not done after 0 ms/);
  });
});
