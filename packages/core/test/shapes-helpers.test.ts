import { describe, expect, it } from "vitest";
import { stateInAnswer } from "../src/mapped-answers.js";
import { findEntry, meets } from "../src/shapes/entries.js";
import { epochMs } from "../src/shapes/epoch.js";
import { readProgress } from "../src/shapes/progress.js";
import { describeWaitSource, spentBudgetWait } from "../src/shapes/rate-limit.js";
import { resultUrlOf } from "../src/shapes/result-url.js";
import { parseDelaySeconds, readRetryDelay } from "../src/shapes/retry-delay.js";
import type { OperationSnapshot } from "../src/snapshot.js";

const conditions = [
  { type: "Complete", status: "False" },
  {
    type: "Failed",
    status: "True",
    reason: "BackoffLimitExceeded",
    message: "Job has reached the specified backoff limit",
  },
];

describe("findEntry", () => {
  it.each([
    ["in any position", conditions, { type: "Failed", status: "True" }, conditions[1]],
    ["case-insensitively for strings", conditions, { type: "failed", status: "true" }, conditions[1]],
    ["by JSON pointer into the entry", [{ a: { b: 1 } }], { "/a/b": 1 }, { a: { b: 1 } }],
    ["none when one field differs", conditions, { type: "Failed", status: "False" }, undefined],
    ["none for a value that is not an array", { type: "Failed" }, { type: "Failed" }, undefined],
    [
      "skipping entries that are not objects",
      [null, 3, "Failed", { type: "Failed" }],
      { type: "Failed" },
      { type: "Failed" },
    ],
  ])("finds the entry %s", (_, list, fields, expected) => {
    expect(findEntry(list, fields)).toEqual(expected);
  });
});

describe("meets", () => {
  const body = { status: { conditions, succeeded: 2 }, spec: { completions: 2 }, phase: "Done" };
  it("returns the matched entry of an entry condition, so the failure is read there", () => {
    expect(meets(body, { pointer: "/status/conditions", entry: { type: "Failed", status: "True" } })).toEqual({
      at: conditions[1],
    });
  });
  it("needs every condition of all (AND), and returns the entry one of them matched", () => {
    const both = {
      all: [
        { pointer: "/phase", equals: "done" },
        { pointer: "/status/conditions", entry: { type: "Failed" } },
      ],
    };
    expect(meets(body, both)).toEqual({ at: conditions[1] });
    expect(
      meets(body, {
        all: [
          { pointer: "/phase", equals: "done" },
          { pointer: "/nope", present: true },
        ],
      }),
    ).toBe(undefined);
  });
  it("matches present and equals as before", () => {
    expect(meets(body, { pointer: "/status/succeeded", present: true })).toEqual({ at: 2 });
    expect(meets(body, { pointer: "/nope", present: false })).toEqual({ at: body });
    expect(meets(body, { pointer: "/phase", equals: "running" })).toBe(undefined);
  });
});

describe("readProgress", () => {
  it.each([
    ["a value over a scale", { pct: 40 }, { pointer: "/pct", scale: 100 }, 0.4],
    ["the ratio of two fields", { done: 1, of: 4 }, { pointer: "/done", of: "/of" }, 0.25],
    ["clamped to 1", { done: 5, of: 4 }, { pointer: "/done", of: "/of" }, 1],
    ["nothing when the total is 0", { done: 0, of: 0 }, { pointer: "/done", of: "/of" }, undefined],
    ["nothing when the total is missing", { done: 1 }, { pointer: "/done", of: "/of" }, undefined],
    ["nothing when the value is not a number", { done: "1", of: 4 }, { pointer: "/done", of: "/of" }, undefined],
  ])("reads %s", (_, body, progress, expected) => {
    expect(readProgress(body, progress)).toBe(expected);
  });
});

describe("epochMs", () => {
  it.each([
    [1_700_000_000, "seconds", 1_700_000_000_000],
    [1_700_000_000_123, "milliseconds", 1_700_000_000_123],
    ["1700000000", "seconds", 1_700_000_000_000],
    [1_700_000_000.5, "seconds", 1_700_000_000_500],
    ["2023-11-14T22:13:20Z", "seconds", Number.NaN],
    [1e20, "seconds", Number.NaN],
    [null, "milliseconds", Number.NaN],
  ] as const)("reads %j in %s", (value, unit, expected) => {
    expect(epochMs(value, unit)).toBe(expected);
  });
});

describe("retry delays in an error body", () => {
  it.each([
    ["3s", 3],
    ["1.500s", 2],
    ["0.250s", 1],
    [7, 7],
    ["-1s", undefined],
    ["soon", undefined],
    ["999999999s", 86_400],
  ])("reads %j as %j seconds", (value, expected) => {
    expect(parseDelaySeconds(value)).toBe(expected);
  });

  it("finds google.rpc.RetryInfo among error.details in any position", () => {
    const body = {
      error: {
        code: 429,
        status: "RESOURCE_EXHAUSTED",
        details: [
          { "@type": "type.googleapis.com/google.rpc.ErrorInfo", reason: "RATE_LIMIT_EXCEEDED" },
          { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "3s" },
        ],
      },
    };
    const where = {
      pointer: "/error/details",
      entry: { "@type": "type.googleapis.com/google.rpc.RetryInfo" },
      field: "/retryDelay",
    };
    expect(readRetryDelay(body, where)).toBe(3);
    expect(readRetryDelay({ error: { details: [] } }, where)).toBe(undefined);
    expect(readRetryDelay({ retry: "2s" }, "/retry")).toBe(2);
  });
});

describe("declared rate-limit semantics", () => {
  it("waits for the reset at the end of a window, and for one request back under a refill", () => {
    expect(spentBudgetWait(3601, undefined)).toBe(3601);
    expect(spentBudgetWait(3601, { reset: "window" })).toBe(3601);
    expect(spentBudgetWait(3601, { reset: "refill" })).toBe(1);
    expect(spentBudgetWait(3601, { reset: "refill", refillSeconds: 6 })).toBe(6);
    expect(spentBudgetWait(0, { reset: "refill" })).toBe(0);
  });
  it("names the header a wait came from, and what a refill header means", () => {
    expect(describeWaitSource("X-RateLimit-Reset", undefined)).toBe("X-RateLimit-Reset");
    expect(describeWaitSource("X-RateLimit-Reset", { reset: "refill" })).toBe(
      "X-RateLimit-Reset, one request back every 1 s",
    );
    expect(describeWaitSource("Retry-After", { reset: "refill" })).toBe("Retry-After");
  });
});

describe("result URLs", () => {
  it("keeps an absolute http(s) URL, normalized, and nothing else", () => {
    expect(resultUrlOf("https://queue.fal.run/fal-ai/x/requests/1")).toBe("https://queue.fal.run/fal-ai/x/requests/1");
    expect(resultUrlOf("HTTP://Example.com/a b")).toBe("http://example.com/a%20b");
    for (const value of [
      "/relative",
      "javascript:alert(1)",
      "data:text/plain,x",
      42,
      null,
      `https://x/${"a".repeat(2048)}`,
    ])
      expect(resultUrlOf(value), String(value).slice(0, 30)).toBeUndefined();
  });
});

describe("answers that carry the state", () => {
  const snapshotOf = (httpStatus: number): OperationSnapshot => ({
    endpoint: "get",
    params: {},
    httpStatus,
    body: undefined,
    notModified: false,
  });
  const headers = (entries: Record<string, string> = {}) => new Headers(entries);
  const read = stateInAnswer("x-ms-operation-status", ["202", "422"]);

  it("takes a mapped status with a body as the answer, its body kept, a 4xx included", () => {
    const running = snapshotOf(202);
    expect(read(running, headers(), { code: "333334" })).toBe(true);
    expect(running.body).toEqual({ code: "333334" });
    const failed = snapshotOf(422);
    expect(read(failed, headers(), { code: "000904", message: "SQL compilation error" })).toBe(true);
    expect(failed.body).toEqual({ code: "000904", message: "SQL compilation error" });
    expect(read(snapshotOf(422), headers(), undefined)).toBe(true);
  });

  it("leaves other statuses, and a mapped one whose body is not an object, to the usual reading", () => {
    expect(read(snapshotOf(200), headers(), { status: "x" })).toBe(false);
    expect(read(snapshotOf(400), headers(), { message: "bad" })).toBe(false);
    expect(read(snapshotOf(202), headers(), "text")).toBe(false);
  });

  it("reads a status header on a 2xx only", () => {
    const ok = snapshotOf(200);
    expect(read(ok, headers({ "x-ms-operation-status": "Succeeded" }), undefined)).toBe(true);
    expect(ok.statusHeader).toBe("Succeeded");
    const missing = snapshotOf(404);
    expect(read(missing, headers({ "x-ms-operation-status": "Failed" }), undefined)).toBe(false);
    expect(missing.statusHeader).toBeUndefined();
  });
});
