// What normalization remembers between reads (decoded pointers, each timestamp field's last text, the last
// status word) never changes what a read reports: a changed body, word or description is seen, and each
// status gets objects of its own.
import { describe, expect, it } from "vitest";
import { stateOf, toOperationStatus } from "../src/described/index.js";
import {
  type OperationSnapshot,
  type ProviderDescription,
  parseTimestamp,
  pointerTokens,
  readPointer,
} from "../src/index.js";

const acme = (): ProviderDescription => ({
  name: "acme",
  displayName: "Acme",
  servers: [{ url: "https://api.acme.test" }],
  auth: { type: "bearer" },
  defaultEndpoint: "getJob",
  endpoints: {
    getJob: { path: "/jobs/{job}", accept: "application/json", pathParams: [{ name: "job" }], conditional: false },
  },
  adapter: {
    id: "/job/id",
    status: { pointer: "/job/state", map: { Waiting: "queued", BUSY: "running", DONE: "succeeded", BROKE: "failed" } },
    createdAt: "/job/created",
    updatedAt: "/job/updated",
  },
});

const BASE = "https://api.acme.test";
const read = (body: unknown): OperationSnapshot => ({
  endpoint: "getJob",
  params: { job: "j1" },
  httpStatus: 200,
  body,
  notModified: false,
});

describe("timestamps read again and again", () => {
  const description = acme();
  const status = (created: unknown, updated: unknown = created) =>
    toOperationStatus(description, read({ job: { id: "j1", state: "BUSY", created, updated } }), BASE);

  it("give each status its own Date: changing one changes no later status", () => {
    const first = status("2025-01-01T00:00:00Z");
    first.createdAt?.setTime(0);
    const second = status("2025-01-01T00:00:00Z");
    expect(second.createdAt).not.toBe(first.createdAt);
    expect(second.createdAt?.toISOString()).toBe("2025-01-01T00:00:00.000Z");
    expect(second.updatedAt).not.toBe(second.createdAt);
  });

  it("see a changed, unreadable, empty or missing value", () => {
    const texts = [
      "2025-01-01T00:00:00Z",
      "2025-01-01T00:00:01Z",
      "2025-01-01 00:00:02",
      "2025/13/01 00:00:00",
      "",
      null,
      42,
      undefined,
      "2025-01-01T00:00:00Z",
      "2025-01-01T02:00:00+02:00",
    ];
    for (const text of texts) {
      const got = status(text, "2030-06-01T00:00:00Z");
      expect(got.createdAt?.toISOString()).toBe(parseTimestamp(text)?.toISOString());
      expect(got.updatedAt?.toISOString()).toBe("2030-06-01T00:00:00.000Z");
    }
  });

  it("follow a description whose timestamp pointer changed in place", () => {
    const changed = acme();
    const body = { job: { id: "j1", state: "BUSY", created: "2025-01-01T00:00:00Z", other: "2026-02-02T00:00:00Z" } };
    expect(toOperationStatus(changed, read(body), BASE).createdAt?.toISOString()).toBe("2025-01-01T00:00:00.000Z");
    (changed.adapter as { createdAt?: string }).createdAt = "/job/other";
    expect(toOperationStatus(changed, read(body), BASE).createdAt?.toISOString()).toBe("2026-02-02T00:00:00.000Z");
  });
});

describe("status words read again and again", () => {
  const description = acme();
  const state = (word: unknown) => toOperationStatus(description, read({ job: { id: "j1", state: word } }), BASE).state;

  it("map each word, changed or not, as a first read would", () => {
    const words = ["BUSY", "BUSY", "busy", " Busy ", "DONE", "PAUSED", "BUSY", undefined, "waiting", "BROKE"];
    const expected = ["running", "running", "running", "running", "succeeded", "unknown", "running", "unknown"];
    expect(words.slice(0, 8).map(state)).toEqual(expected);
    expect(state("waiting")).toBe("queued");
    expect(state("BROKE")).toBe("failed");
    for (const word of words)
      expect(stateOf(description.adapter.status, { job: { state: word } })).toEqual(
        stateOf(acme().adapter.status, { job: { state: word } }),
      );
  });

  it("give a failed status an error of its own", () => {
    const broke = { job: { id: "j1", state: "BROKE" } };
    const first = toOperationStatus(description, read(broke), BASE);
    if (first.error) first.error.message = "changed by the caller";
    expect(toOperationStatus(description, read(broke), BASE).error).toEqual({ message: "Operation ended BROKE." });
  });
});

describe("pointers read again and again", () => {
  const walk = (value: unknown, pointer: string): unknown =>
    pointerTokens(pointer).reduce<unknown>(
      (current, key) =>
        current !== null && typeof current === "object" && Object.hasOwn(current, key)
          ? (current as Record<string, unknown>)[key]
          : undefined,
      value,
    );

  it("read what a fresh walk of the pointer reads, escapes, inherited names and arrays included", () => {
    const body = { a: { "b/c": 1, "d~e": [10, 20], "": "empty" }, list: [{ x: "y" }] };
    const pointers = [
      "",
      "/a",
      "/a/b~1c",
      "/a/d~0e/1",
      "/a/",
      "/list/0/x",
      "/list/length",
      "/a/constructor",
      "/nope/x",
    ];
    for (let round = 0; round < 2; round++) {
      for (const pointer of pointers) expect(readPointer(body, pointer)).toEqual(walk(body, pointer));
    }
  });

  it("stay right after more distinct pointers than the cache keeps", () => {
    const body = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}`, { v: i }]));
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 1500; i++) expect(readPointer(body, `/k${i}/v`)).toBe(i);
    }
  });
});
