// the facade's own messages are one sentence, whatever the server's failure text looks
// like (trailing blanks, its own stop, several lines, nothing at all): no doubled stops, no line breaks.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWatcher, OperationFailedError, TimeoutError } from "../src/index.js";
import { fixtures } from "./support/fixtures.js";
import { type Loopback, loopback, send, withValue } from "./support/raw-loopback.js";

let server: Loopback;
beforeAll(async () => {
  server = await loopback();
});
afterAll(() => server.close());

const texts = [
  "Disk full. ",
  "Disk full!",
  "Disk full...",
  "Disk full.\n",
  "Line one.\nLine two.",
  "  ",
  "Quota (50 GB).",
];
const oneSentence = (message: string) => {
  expect(message).not.toMatch(/(?<!\.)[.!?][ \t]*\.(?!\.)/);
  expect(message).not.toMatch(/\n/);
  expect(message.trim()).toBe(message);
  expect(message).toMatch(/[^:][.!?…]$/);
};

describe.each(fixtures)("$name: messages", (f) => {
  const description = f.description;
  const pointer = [description.adapter.failure?.message ?? []].flat()[0];

  it("OperationFailedError is one sentence for any failure text", async () => {
    for (const text of texts) {
      const body = pointer ? withValue(f.failed.body, pointer, text) : f.failed.body;
      server.handle = (_req, res) => send(res, 200, body);
      const watcher = createWatcher({ providers: [f.register(server.url)] });
      const error = await watcher.wait(server.url + f.path).catch((e: unknown) => e);
      expect(error, JSON.stringify(text)).toBeInstanceOf(OperationFailedError);
      oneSentence((error as Error).message);
    }
  });

  it("a wait's TimeoutError after a failure is one sentence", async () => {
    server.handle = (_req, res) => send(res, f.serverError.status, f.serverError.body);
    const watcher = createWatcher({ providers: [f.register(server.url)] });
    const error = await watcher.wait(server.url + f.path, { maxWaitMs: 200, minDelayMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    oneSentence((error as Error).message);
  });
});
