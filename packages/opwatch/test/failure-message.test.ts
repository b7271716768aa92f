// OperationFailedError's message: the server's failure text redacted with the registration's tokens before
// its blanks are folded (a token with a space or a tab in it is still masked), and capped at 200 characters
// like core's own messages; other texts read as before.
import { describe, expect, it } from "vitest";
import { createWatcher, OperationFailedError } from "../src/index.js";
import { FakeClock } from "./support/fake-clock.js";
import { createdAt, fixtures, registerStub, stubFetch } from "./support/provider-kit.js";
import { withValue } from "./support/raw-loopback.js";

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
