// The messages a wait ends with are one sentence, whatever the server's failure text looks like (trailing
// blanks, its own stop, several lines, nothing at all): no doubled stops, no line breaks. OperationFailedError
// redacts the server's text with the registration's tokens before its blanks are folded (a token with a space
// or a tab in it is still masked) and caps it at 200 characters like core's own messages.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWatcher, OperationFailedError, TimeoutError } from "../src/index.js";
import { FakeClock } from "./support/fake-clock.js";
import { fixtures } from "./support/fixtures.js";
import { createdAt, registerStub, stubFetch } from "./support/provider-kit.js";
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

const f = fixtures.find((fixture) => fixture.name === "bentley") as (typeof fixtures)[number];
const failure = f.description.adapter.failure ?? {};

async function failedWith(message: string, code: string | undefined, token: string): Promise<string> {
  const clock = new FakeClock();
  let body = withValue(createdAt(f, f.failed, clock.now()).body, failure.message as string, message);
  if (failure.code) body = withValue(body, failure.code, code);
  const { fetch } = stubFetch(clock, () => ({ status: 200, body }));
  const watcher = createWatcher({ providers: [registerStub(f, fetch, token)], clock });
  const error = await watcher.wait(`https://ops.provider.example${f.path}`).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(OperationFailedError);
  return (error as Error).message;
}

const label =
  "Bentley iTwin Schedules operation b4a7e3f0-2d1c-4e8b-9f6a-1c2d3e4f5a6b/bdc8fb5d-ce72-42f9-8818-bb2942927428";

describe("OperationFailedError's message", () => {
  for (const token of ["tok_with a_space_41", "tok_with\ta_tab_42", "tok_with  two\t \tblanks_43"]) {
    it(`masks a token with blanks in it (${JSON.stringify(token)}) before folding the text`, async () => {
      const message = await failedWith(`credential ${token} was\n revoked`, `E ${token}`, token);
      expect(message).toBe(`${label} ended failed: E [REDACTED] credential [REDACTED] was revoked.`);
    });
  }

  it("caps the server's text at 200 characters, one sentence", async () => {
    const message = await failedWith(`${"x".repeat(1_000)}\n`, undefined, "tok_plain_token_44");
    expect(message).toBe(`${label} ended failed: ${"x".repeat(200)}.`);
  });

  it("keeps today's messages for ordinary texts", async () => {
    const token = "tok_plain_token_45";
    expect(await failedWith("Disk full. ", "E_DISK", token)).toBe(`${label} ended failed: E_DISK Disk full.`);
    expect(await failedWith("Line one.\nLine two", "E_X", token)).toBe(
      `${label} ended failed: E_X Line one. Line two.`,
    );
    expect(await failedWith("Quota (50 GB)!", undefined, token)).toBe(`${label} ended failed: Quota (50 GB)!`);
  });
});
