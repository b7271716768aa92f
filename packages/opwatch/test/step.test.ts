// The resumable step, the hard deadline, the consecutive-failure budget and the event stream.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { bentley } from "@opwatch/bentley";
import { describe, expect, it } from "vitest";
import {
  createWatcher,
  NetworkError,
  type OperationStatus,
  type PollEvent,
  type PollState,
  register,
  ServerError,
  TimeoutError,
  ValidationError,
} from "../src/index.js";
import { FakeClock } from "./support/fake-clock.js";
import { bentleyBody, json, OP_URL, stubWatcher } from "./support/provider-kit.js";

const hang = (signal: AbortSignal | undefined) =>
  new Promise<Response>((_, reject) => {
    signal?.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")), { once: true });
  });

describe("maxWaitMs is a hard deadline", () => {
  it("cuts a read in flight at the deadline: TimeoutError with the last status, the request aborted", async () => {
    const clock = new FakeClock();
    const start = clock.now();
    const { watcher, requests } = stubWatcher(clock, (request, index) =>
      index === 0 ? json(bentleyBody("Started", 10, new Date(start))) : hang(request.signal),
    );
    const { error } = await clock.run(watcher.wait(OP_URL, { maxWaitMs: 10_000 }), 60_000, 10);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError<OperationStatus>).lastStatus?.state).toBe("running");
    expect((error as Error).message).toMatch(/not done after 10 s; last state: running \(Started\), 10%/);
    expect(clock.now() - start).toBeLessThanOrEqual(10_010);
    expect(requests.length).toBeGreaterThanOrEqual(2);
    expect(requests.at(-1)?.signal?.aborted).toBe(true);
    expect(clock.timers).toBe(0);
  });

  it("holds against a loopback server that never answers (the per-request timeout is 30 s)", async () => {
    const sockets = new Set<import("node:net").Socket>();
    const server: Server = createServer(() => undefined);
    server.on("connection", (socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const watcher = createWatcher({
        providers: [register(bentley, { token: "tok_hang_0123456789", baseUrl: base })],
      });
      const started = Date.now();
      const error = await watcher.wait(`${base}/schedules/s/operations/o`, { maxWaitMs: 300 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TimeoutError);
      expect((error as TimeoutError).lastStatus).toBeUndefined();
      expect((error as Error).message).toMatch(/not done after 300 ms; no status seen yet/);
      // Without the cut, the read would end only at the 30 s per-request timeout.
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("maxConsecutiveFailures", () => {
  const down = () => Promise.reject(new TypeError("fetch failed"));

  it("rejects after the budget (default 8) with the last error as cause; onRetry reports every retry", async () => {
    const clock = new FakeClock();
    const { watcher, requests } = stubWatcher(clock, down);
    const retries: number[] = [];
    const { error } = await clock.run(watcher.wait(OP_URL, { onRetry: (_e, delayMs) => retries.push(delayMs) }));
    expect(requests).toHaveLength(8);
    expect(retries).toHaveLength(7);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toMatch(
      /gave up after 8 failures in a row \(raise maxConsecutiveFailures to keep trying\); the last: /,
    );
    expect((error as Error).cause).toBeInstanceOf(NetworkError);
    // Well before the 30-minute maximum wait.
    expect(clock.now() - (requests[0]?.at ?? 0)).toBeLessThan(5 * 60_000);
  });

  it("counts failures in a row only: a good read resets the count", async () => {
    const clock = new FakeClock();
    const start = new Date(clock.now());
    const answers = ["fail", "fail", "ok", "fail", "fail", "fail"];
    const { watcher, requests } = stubWatcher(clock, (_r, index) =>
      answers[index] === "ok" ? json(bentleyBody("Started", null, start)) : json("{}", 503),
    );
    const { error } = await clock.run(watcher.wait(OP_URL, { maxConsecutiveFailures: 3 }));
    expect(error).toBeInstanceOf(ServerError);
    expect(requests).toHaveLength(6);
  });

  it("is checked before any request", async () => {
    const clock = new FakeClock();
    const { watcher, requests } = stubWatcher(clock, down);
    await expect(watcher.wait(OP_URL, { maxConsecutiveFailures: 0 })).rejects.toBeInstanceOf(ValidationError);
    expect(requests).toHaveLength(0);
  });
});

describe("onEvent", () => {
  it("reports each request, answer, scheduled poll and the end", async () => {
    const clock = new FakeClock();
    const start = new Date(clock.now());
    const bodies = [
      bentleyBody("Started", 40, start),
      bentleyBody("Started", 40, start),
      bentleyBody("Succeeded", 100, start),
    ];
    const { watcher } = stubWatcher(clock, (_r, index) =>
      index === 1 ? json("{}", 503) : json(bodies[index] as string),
    );
    const events: PollEvent[] = [];
    await clock.run(watcher.wait(OP_URL, { onEvent: (e) => events.push(e) }));
    expect(events.map((e) => (e.type === "scheduled" ? `scheduled:${e.reason}` : e.type))).toEqual([
      "request",
      "status",
      "scheduled:pacing",
      "request",
      "retry",
      "scheduled:backoff",
      "request",
      "status",
      "done",
    ]);
    expect(events[1]).toMatchObject({ type: "status", changed: true, status: { state: "running", progress: 0.4 } });
    expect(events[4]).toMatchObject({ type: "retry", failures: 1 });
    expect(events.at(-1)).toMatchObject({ type: "done", requests: 3, status: { state: "succeeded" } });
  });
});

describe("watcher.step", () => {
  it("reads once and hands back plain-JSON state another process resumes from", async () => {
    const clock = new FakeClock();
    const start = new Date(clock.now());
    const { watcher } = stubWatcher(clock, () => json(bentleyBody("Started", 25, start), 200, { etag: '"v1"' }));
    const first = await watcher.step(OP_URL, undefined, { maxWaitMs: 60_000 });
    expect(first).toMatchObject({ kind: "pending", changed: true, reason: "pacing", status: { progress: 0.25 } });
    const stored = JSON.stringify(first.state);
    expect(JSON.parse(stored)).toEqual(first.state);
    expect(first.state).toMatchObject({
      v: 1,
      attempt: 1,
      failures: 0,
      etag: '"v1"',
      deadline: start.getTime() + 60_000,
    });

    // Another process: a fresh watcher, the state from JSON; the ETag goes along, a 304 is no change.
    await clock.advance(first.kind === "pending" ? first.delayMs : 0);
    const other = stubWatcher(clock, (_r, index) =>
      index === 0
        ? new Response(null, { status: 304, headers: { etag: '"v1"' } })
        : json(bentleyBody("Succeeded", 100, start)),
    );
    const second = await other.watcher.step(watcher.ref(OP_URL), JSON.parse(stored) as PollState);
    expect(other.requests[0]?.headers.get("if-none-match")).toBe('"v1"');
    expect(second).toMatchObject({ kind: "pending", changed: false, status: { state: "running" } });
    if (second.kind !== "pending") throw new Error("expected pending");
    expect(second.status?.createdAt).toEqual(start);
    const third = await other.watcher.step(OP_URL, second.state);
    expect(third).toMatchObject({ kind: "done", status: { state: "succeeded" }, state: { attempt: 3 } });
  });

  it("ends with a TimeoutError carrying the last status once the state's deadline has passed", async () => {
    const clock = new FakeClock();
    const { watcher, requests } = stubWatcher(clock, () => json(bentleyBody("Queued", 0, new Date(clock.now()))));
    const first = await watcher.step(OP_URL, undefined, { maxWaitMs: 5_000 });
    await clock.advance(5_000);
    const last = await watcher.step(OP_URL, first.state);
    expect(last.kind).toBe("error");
    if (last.kind !== "error") return;
    expect(last.error).toBeInstanceOf(TimeoutError);
    expect((last.error as TimeoutError<OperationStatus>).lastStatus?.state).toBe("queued");
    expect(requests).toHaveLength(1);
  });

  it("says when the provider pushed back, and sends nothing while the pushback lasts", async () => {
    const clock = new FakeClock();
    const { watcher, requests } = stubWatcher(clock, () =>
      json(JSON.stringify({ error: { code: "RateLimitExceeded", message: "slow down" } }), 429, {
        "retry-after": "30",
      }),
    );
    const first = await watcher.step(OP_URL);
    expect(first).toMatchObject({
      kind: "pending",
      reason: "retry-after",
      delayMs: 30_000,
      pushback: { key: "bentley@https://api.bentley.com", untilMs: clock.now() + 30_000 },
    });
    const second = await watcher.step(OP_URL, first.state);
    expect(second).toMatchObject({ kind: "pending", reason: "pushback" });
    expect(requests).toHaveLength(1);
  });

  it("refuses a state that is not one", async () => {
    const clock = new FakeClock();
    const { watcher, requests } = stubWatcher(clock, () => json("{}"));
    await expect(watcher.step(OP_URL, { v: 2 } as unknown as PollState)).rejects.toBeInstanceOf(ValidationError);
    const good = { v: 1, startedAt: 0, deadline: 1, attempt: 0, failures: 0 };
    for (const bad of [null, "state", 1, { ...good, attempt: "1" }, { ...good, pacing: null }, { ...good, last: 1 }]) {
      await expect(watcher.step(OP_URL, bad as unknown as PollState)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(requests).toHaveLength(0);
  });
});

describe("the last status a wait keeps between reads", () => {
  it("comes back whole but for its raw body: TimeoutError.lastStatus is the last change seen, dates as Dates", async () => {
    const clock = new FakeClock();
    const start = new Date(clock.now());
    const { watcher } = stubWatcher(clock, (_r, index) =>
      json(bentleyBody("Started", index === 0 ? 10 : 20, start), 200, { etag: `"v${index}"` }),
    );
    const seen: OperationStatus[] = [];
    const { error } = await clock.run(watcher.wait(OP_URL, { maxWaitMs: 20_000, onProgress: (s) => seen.push(s) }));
    expect(error).toBeInstanceOf(TimeoutError);
    const last = (error as TimeoutError<OperationStatus>).lastStatus;
    expect(seen.map((s) => s.progress)).toEqual([0.1, 0.2]);
    // A sleeping wait keeps no raw body (only onEvent, whose status of a 304 repeats the last one, asks for it).
    expect(last).toEqual({ ...seen[1], raw: undefined });
    expect(last?.createdAt).toBeInstanceOf(Date);
    expect(last?.createdAt?.getTime()).toBe(start.getTime());
    expect(last?.updatedAt?.getTime()).toBe(start.getTime());
    expect(last?.ref).toEqual(watcher.ref(OP_URL));
  });

  // The wait's own ref, and one with a param the spec does not name (its statuses' ref differs from it).
  for (const extra of [false, true]) {
    it(`goes out whole on a 304, and a caller that changes it changes nothing of the wait${extra ? " (a ref with an extra param)" : ""}`, async () => {
      const clock = new FakeClock();
      const start = new Date(clock.now());
      const { watcher, requests } = stubWatcher(clock, (_r, index) =>
        index === 0
          ? json(bentleyBody("Started", 50, start), 200, { etag: '"v1"' })
          : index < 3
            ? new Response(null, { status: 304, headers: { etag: '"v1"' } })
            : json(bentleyBody("Succeeded", 100, start)),
      );
      const statuses: [string, number | undefined, number | undefined, unknown, unknown][] = [];
      const onEvent = (event: PollEvent) => {
        if (event.type !== "status") return;
        const { state, progress, createdAt, raw, ref } = event.status;
        statuses.push([state, progress, createdAt?.getTime(), raw, ref.params.operationId]);
        // A careless caller: edits the status it was handed.
        event.status.ref.params.operationId = "someone-else";
        createdAt?.setTime(0);
      };
      const own = watcher.ref(OP_URL);
      const target = extra ? { ...own, params: { ...own.params, extra: "x" } } : OP_URL;
      const { value } = await clock.run(watcher.wait(target, { onEvent }));
      expect(value?.state).toBe("succeeded");
      // Each 304's status is the last one, rebuilt whole (dates included) whatever was done to the earlier ones.
      const raw = JSON.parse(bentleyBody("Started", 50, start));
      const id = own.params.operationId;
      expect(statuses).toEqual([
        ["running", 0.5, start.getTime(), raw, id],
        ["running", 0.5, start.getTime(), raw, id],
        ["running", 0.5, start.getTime(), raw, id],
        ["succeeded", 1, start.getTime(), JSON.parse(bentleyBody("Succeeded", 100, start)), id],
      ]);
      expect(requests.map((r) => r.url)).toEqual([OP_URL, OP_URL, OP_URL, OP_URL]);
    });
  }
});
