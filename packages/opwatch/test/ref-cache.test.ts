// A ref object or status URL passed again and again is checked once while it stays the same; refs are
// plain data their owner may change, and every change is seen before the next request. What the caller
// gets (refs from ref(), statuses from get()) are copies of their own.
import { bentley } from "@opwatch/bentley";
import { describe, expect, it } from "vitest";
import { createWatcher, type OperationRef, register, ValidationError } from "../src/index.js";

const SCHEDULE = "2f9a3c1e-6b2d-4d8e-9f10-7a5b4c3d2e1f";
const BASE = "https://api.bentley.com";
const body = (id: string) =>
  JSON.stringify({ operation: { id, status: "Started", percentComplete: 10, createdAt: "2026-01-01T00:00:00Z" } });

function bentleyWatcher() {
  const urls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input) => {
    const url = String(input);
    urls.push(url);
    return new Response(body(url.slice(url.lastIndexOf("/") + 1)), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  };
  const watcher = createWatcher({ providers: [register(bentley, { token: "tok_ref_cache_0123456789", fetch })] });
  return { watcher, urls };
}

const opRef = (operationId: string): OperationRef => ({
  provider: "bentley",
  endpoint: "getScheduleOperation",
  params: { scheduleId: SCHEDULE, operationId },
  baseUrl: BASE,
});
const errorOf = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

describe("a ref passed again and again", () => {
  it("sees a changed, added, removed or replaced path parameter before the next request", async () => {
    const { watcher, urls } = bentleyWatcher();
    const ref = opRef("op-1");
    expect((await watcher.get(ref)).id).toBe("op-1");
    ref.params.operationId = "op-2";
    expect((await watcher.get(ref)).id).toBe("op-2");
    ref.params = { scheduleId: SCHEDULE, operationId: "op-3" };
    expect((await watcher.get(ref)).id).toBe("op-3");
    delete ref.params.operationId;
    expect(await errorOf(watcher.get(ref))).toBeInstanceOf(ValidationError);
    ref.params.operationId = "op-4";
    expect((await watcher.get(ref)).id).toBe("op-4");
    ref.params.extra = "ignored";
    expect((await watcher.get(ref)).id).toBe("op-4");
    ref.params.operationId = "";
    const empty = await errorOf(watcher.get(ref));
    expect(empty).toBeInstanceOf(ValidationError);
    expect(String(empty)).toMatch(/operationId" must not be empty/);
    expect(urls).toEqual([
      `${BASE}/schedules/${SCHEDULE}/operations/op-1`,
      `${BASE}/schedules/${SCHEDULE}/operations/op-2`,
      `${BASE}/schedules/${SCHEDULE}/operations/op-3`,
      `${BASE}/schedules/${SCHEDULE}/operations/op-4`,
      `${BASE}/schedules/${SCHEDULE}/operations/op-4`,
    ]);
  });

  it("sees a changed base URL, endpoint or provider, and refuses them as a first use would", async () => {
    const { watcher, urls } = bentleyWatcher();
    const ref = opRef("op-1");
    await watcher.get(ref);
    ref.baseUrl = "https://collector.evil.example";
    expect(String(await errorOf(watcher.get(ref)))).toMatch(/refusing to send credentials/);
    ref.baseUrl = "https://dev-api.bentley.com";
    await watcher.get(ref);
    ref.endpoint = "deleteEverything";
    expect(String(await errorOf(watcher.get(ref)))).toMatch(/unknown endpoint/);
    ref.endpoint = "getScheduleOperation";
    ref.provider = "nobody";
    expect(String(await errorOf(watcher.get(ref)))).toMatch(/provider "nobody" is not registered/);
    expect(urls).toEqual([
      `${BASE}/schedules/${SCHEDULE}/operations/op-1`,
      `https://dev-api.bentley.com/schedules/${SCHEDULE}/operations/op-1`,
    ]);
  });

  it("gives each status a ref of its own, and ref() a fresh copy each time", async () => {
    const { watcher, urls } = bentleyWatcher();
    const ref = opRef("op-1");
    const first = await watcher.get(ref);
    first.ref.params.operationId = "changed";
    first.ref.baseUrl = "https://collector.evil.example";
    const second = await watcher.get(ref);
    expect(second.ref).toEqual(opRef("op-1"));
    expect(second.ref).not.toBe(first.ref);

    const a = watcher.ref(ref);
    const b = watcher.ref(ref);
    expect(a).toEqual(opRef("op-1"));
    expect(b).not.toBe(a);
    expect(b.params).not.toBe(a.params);
    a.params.operationId = "changed";
    expect(watcher.ref(ref)).toEqual(opRef("op-1"));
    expect(urls).toHaveLength(2);
  });

  it("gives the same answers for a status URL, read again and again, and fresh refs from it", async () => {
    const { watcher, urls } = bentleyWatcher();
    const url = `${BASE}/schedules/${SCHEDULE}/operations/op-9`;
    const a = watcher.ref(url);
    a.params.operationId = "changed";
    expect(watcher.ref(url)).toEqual(opRef("op-9"));
    expect((await watcher.get(url)).id).toBe("op-9");
    expect((await watcher.get(url)).ref).toEqual(opRef("op-9"));
    expect(urls).toEqual([url, url]);
    expect(watcher.pushbackKey(url)).toBe(watcher.pushbackKey(opRef("x")));
  });

  it("checks a ref whose path parameter is inherited as a first use would, each time", async () => {
    const fresh = () => bentleyWatcher().watcher;
    const { watcher } = bentleyWatcher();
    const proto = { operationId: "op-1" };
    const ref: OperationRef = { ...opRef("x"), params: Object.assign(Object.create(proto), { scheduleId: SCHEDULE }) };
    for (const id of ["op-1", "op-2"]) {
      proto.operationId = id;
      const mine = await watcher.get(ref).then(
        (status) => status.id,
        (error: unknown) => String(error),
      );
      const theirs = await fresh()
        .get(ref)
        .then(
          (status) => status.id,
          (error: unknown) => String(error),
        );
      expect(mine).toBe(theirs);
    }
  });
});
