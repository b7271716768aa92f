import { describe, expect, it } from "vitest";
import { parseRetryAfter, parseTimestamp } from "../src/index.js";

describe("parseTimestamp", () => {
  it("reads RFC 3339 with a zone", () => {
    expect(parseTimestamp("2025-01-01T00:00:00Z")?.toISOString()).toBe("2025-01-01T00:00:00.000Z");
    expect(parseTimestamp("2025-01-01T02:00:00+02:00")?.toISOString()).toBe("2025-01-01T00:00:00.000Z");
  });

  it("reads ECL's zone-less forms as UTC, with dashes or slashes", () => {
    expect(parseTimestamp("2017-11-27 21:35:38")?.toISOString()).toBe("2017-11-27T21:35:38.000Z");
    expect(parseTimestamp("2017/11/27 21:35:38")?.toISOString()).toBe("2017-11-27T21:35:38.000Z");
  });

  it("returns undefined for empty, null, impossible and unreadable values", () => {
    for (const value of [
      "",
      null,
      undefined,
      42,
      "yesterday",
      "2017-11-27",
      "2017-02-30 10:00:00",
      "2017-13-01 00:00:00",
      "2017-00-01 00:00:00",
      "2017-11-27 24:00:00",
      "2017-11-27 21:60:00",
      "2017-11-27 21:35:60",
      "2017-11/27 21:35:38",
    ]) {
      expect(parseTimestamp(value)).toBeUndefined();
    }
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("reads delta-seconds and HTTP dates", () => {
    expect(parseRetryAfter("30", now)).toBe(30);
    expect(parseRetryAfter(" 0 ", now)).toBe(0);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:10 GMT", now)).toBe(10);
    expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0);
  });
  it("ignores absent and malformed values", () => {
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
  });
});
