// a token the server echoes never shows in any error the facade throws, whatever the
// error: the operation's own failure, the wait's timeout (lastStatus), the spent failure budget, an auth error.

import { MAX_REMEMBERED_SECRETS } from "@opwatch/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWatcher, OperationFailedError, OpwatchError, TimeoutError } from "../src/index.js";
import { secretsOf } from "../src/registration.js";
import { fixtures } from "./support/fixtures.js";
import { everything, type Loopback, loopback, send, withValue } from "./support/raw-loopback.js";

const TOKEN = "tok_echoed_7Hq2Lm9Xv4Rb8Kd1";
const tokens = { string: TOKEN, function: async () => TOKEN };

let server: Loopback;
beforeAll(async () => {
  server = await loopback();
});
afterAll(() => server.close());

describe.each(fixtures)("$name: an echoed token stays out of the facade's errors", (f) => {
  const failure = f.description.adapter.failure ?? {};
  const status = f.description.adapter.status;

  for (const [kind, token] of Object.entries(tokens)) {
    it(`OperationFailedError: message, finalStatus, JSON, inspect (token ${kind})`, async () => {
      let body = f.failed.body;
      // A message joined from several fields: the first of them carries the token.
      const message = [failure.message ?? []].flat()[0];
      if (message) body = withValue(body, message, `credential ${TOKEN} was revoked.`);
      if (failure.code) body = withValue(body, failure.code, `E_${TOKEN}`);
      server.handle = (_req, res) => send(res, 200, body);
      const watcher = createWatcher({ providers: [f.register(server.url, token)] });
      const error = await watcher.wait(server.url + f.path).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OperationFailedError);
      expect((error as OperationFailedError).finalStatus).toMatchObject({ state: "failed" });
      expect(everything(error)).not.toContain(TOKEN);
      expect(JSON.stringify((error as OperationFailedError).finalStatus)).not.toContain(TOKEN);
    });

    it(`TimeoutError: message and lastStatus, with the token as the status word (token ${kind})`, async () => {
      const body = withValue(f.running.body, status.pointer ?? "/status", `paused-${TOKEN}`);
      server.handle = (_req, res) => send(res, 200, body);
      const watcher = createWatcher({ providers: [f.register(server.url, token)] });
      const error = await watcher
        .wait(server.url + f.path, { maxWaitMs: 150, minDelayMs: 50 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect(everything(error)).not.toContain(TOKEN);
      expect(JSON.stringify((error as TimeoutError).lastStatus)).not.toContain(TOKEN);
    });
  }

  it("the spent failure budget and a 401 keep an echoed token out of message, cause, JSON and inspect", async () => {
    const echo = {
      error: { code: TOKEN, message: TOKEN },
      message: TOKEN,
      cause: TOKEN,
      code: TOKEN,
      request_id: TOKEN,
    };
    for (const httpStatus of [503, 401]) {
      server.handle = (_req, res) => send(res, httpStatus, echo, { "x-request-id": TOKEN });
      for (const token of Object.values(tokens)) {
        const watcher = createWatcher({ providers: [f.register(server.url, token)] });
        const error = await watcher
          .wait(server.url + f.path, { maxConsecutiveFailures: 2, minDelayMs: 1, maxDelayMs: 1 })
          .catch((e: unknown) => e);
        expect(error).toBeInstanceOf(OpwatchError);
        expect((error as OpwatchError).httpStatus).toBe(httpStatus);
        expect(everything(error)).not.toContain(TOKEN);
      }
    }
  });
});

describe.each(fixtures)("$name: a token function that mints a token per request", (f) => {
  it("is remembered for redaction up to a bound (the newest kept), and the newest is still masked", async () => {
    let minted = 0;
    const mint = async () => `tok_minted_${String(++minted).padStart(6, "0")}_7Hq2Lm9X`;
    server.handle = (_req, res) => send(res, 200, f.running.body);
    const registration = f.register(server.url, mint);
    const watcher = createWatcher({ providers: [registration] });
    for (let i = 0; i < MAX_REMEMBERED_SECRETS + 24; i++) await watcher.get(server.url + f.path);
    const kept = secretsOf(registration);
    expect(minted).toBeGreaterThanOrEqual(MAX_REMEMBERED_SECRETS + 24);
    expect(kept).toHaveLength(MAX_REMEMBERED_SECRETS);
    expect(kept.at(-1)).toBe(`tok_minted_${String(minted).padStart(6, "0")}_7Hq2Lm9X`);

    const newest = kept.at(-1) as string;
    const body = withValue(f.running.body, f.description.adapter.status.pointer ?? "/status", `paused-${newest}`);
    server.handle = (_req, res) => send(res, 200, body);
    const error = await watcher.wait(server.url + f.path, { maxWaitMs: 100, minDelayMs: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(everything(error)).not.toContain(newest);
  });
});
