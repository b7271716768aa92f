// failures do not hide. A refused connection, a 5xx or a 429 is retried only up to
// maxConsecutiveFailures in a row, then the wait rejects with the last failure as its cause; onRetry and
// onEvent see every retry; a good read resets the count; permanent errors end the wait at once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWatcher, NetworkError, OpwatchError, type PollEvent } from "../src/index.js";
import { fixtures } from "./support/fixtures.js";
import { type Loopback, loopback, send } from "./support/raw-loopback.js";

let server: Loopback;
let closedPort: string;
beforeAll(async () => {
  server = await loopback();
  // Port 1: nothing listens there, the connection is refused (a port just freed could be taken by a parallel worker).
  closedPort = "http://127.0.0.1:1";
});
afterAll(() => server.close());

const fast = { minDelayMs: 1, maxDelayMs: 5 };

describe.each(fixtures)("$name: the failure budget", (f) => {
  it("a refused connection: NetworkError after maxConsecutiveFailures, the last failure as cause", async () => {
    const watcher = createWatcher({ providers: [f.register(closedPort)] });
    const retries: number[] = [];
    const events: PollEvent["type"][] = [];
    const error = await watcher
      .wait(closedPort + f.path, {
        ...fast,
        maxConsecutiveFailures: 3,
        onRetry: (_e, ms) => retries.push(ms),
        onEvent: (e) => events.push(e.type),
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(/gave up after 3 failures in a row \(raise maxConsecutiveFailures/);
    expect((error as Error).cause).toBeInstanceOf(NetworkError);
    expect(retries).toHaveLength(2);
    expect(events.filter((type) => type === "request")).toHaveLength(3);
    expect(events.filter((type) => type === "retry")).toHaveLength(2);
  });

  it("5xx and 429 count together; a good read resets the count; 401/404 end at once", async () => {
    let calls = 0;
    const script = [f.serverError, f.throttled, f.running, f.serverError, f.throttled, f.serverError];
    server.handle = (_req, res) => {
      const step = script[Math.min(calls++, script.length - 1)] ?? f.serverError;
      send(res, step.status, step.body, { ...step.headers, "Retry-After": "0" });
    };
    const watcher = createWatcher({ providers: [f.register(server.url)] });
    const error = await watcher
      .wait(server.url + f.path, { ...fast, maxConsecutiveFailures: 3 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpwatchError);
    expect((error as OpwatchError).retryable).toBe(true);
    expect(calls).toBe(6);

    for (const step of [f.unauthorized, { status: 404, body: f.unauthorized.body }]) {
      calls = 0;
      server.handle = (_req, res) => {
        calls++;
        send(res, step.status, step.body);
      };
      const refused = await watcher.wait(server.url + f.path, fast).catch((e: unknown) => e);
      expect((refused as OpwatchError).httpStatus).toBe(step.status);
      expect(calls).toBe(1);
    }
  });
});
