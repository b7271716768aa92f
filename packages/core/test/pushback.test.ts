import { describe, expect, it } from "vitest";
import { readPushback } from "../src/index.js";

const NOW = Date.UTC(2026, 0, 1, 0, 0, 0);
const read = (headers: Record<string, string>, status = 200) => readPushback(new Headers(headers), status, NOW);

describe("readPushback", () => {
  it("reads Retry-After as delta seconds or an HTTP date", () => {
    expect(read({ "retry-after": "7" }, 429)).toBe(7);
    expect(read({ "retry-after": new Date(NOW + 20_000).toUTCString() }, 503)).toBe(20);
    expect(read({}, 429)).toBeUndefined();
  });

  it("reads RateLimit-Reset / X-RateLimit-Reset on a 429: delta seconds, or epoch seconds by magnitude", () => {
    expect(read({ "ratelimit-reset": "12" }, 429)).toBe(12);
    expect(read({ "x-ratelimit-reset": String(NOW / 1000 + 30) }, 429)).toBe(30);
    expect(read({ "x-ratelimit-reset": String(NOW / 1000 - 30) }, 429)).toBe(0);
  });

  it("reads a reset on a 200 only when the remaining count is 0", () => {
    expect(read({ "x-ratelimit-reset": "9", "x-ratelimit-remaining": "3" })).toBeUndefined();
    expect(read({ "x-ratelimit-reset": "9" })).toBeUndefined();
    expect(read({ "ratelimit-reset": "9", "ratelimit-remaining": "0" })).toBe(9);
  });

  it("reads the IETF RateLimit field: t once r is 0, or on a 429 without r", () => {
    expect(read({ ratelimit: '"default";r=0;t=30' })).toBe(30);
    expect(read({ ratelimit: '"default";r=5;t=30' })).toBeUndefined();
    expect(read({ ratelimit: '"default";r=5;t=30' }, 429)).toBeUndefined();
    expect(read({ ratelimit: '"default";t=30' }, 429)).toBe(30);
    expect(read({ ratelimit: '"burst";r=4;t=1, "day";r=0;t=3600' })).toBe(3600);
  });

  it("on a 429, Retry-After wins over a reset; a reset counts only when the budget is spent", () => {
    const hourAway = String(NOW / 1000 + 3600);
    // GitHub sends X-RateLimit-Reset on every answer: an hour-away reset of a budget not spent is no wait.
    expect(read({ "retry-after": "1", "x-ratelimit-reset": hourAway, "x-ratelimit-remaining": "4999" }, 429)).toBe(1);
    expect(read({ "retry-after": "1", "x-ratelimit-reset": hourAway, "x-ratelimit-remaining": "0" }, 429)).toBe(1);
    expect(read({ "x-ratelimit-reset": hourAway, "x-ratelimit-remaining": "4999" }, 429)).toBeUndefined();
    expect(read({ "x-ratelimit-reset": hourAway, "x-ratelimit-remaining": "0" }, 429)).toBe(3600);
  });

  it("takes the longest wait when several headers speak on other answers, and ignores garbage", () => {
    expect(read({ "retry-after": "5", "ratelimit-reset": "40", "ratelimit-remaining": "0" }, 503)).toBe(40);
    expect(read({ "retry-after": "5", "ratelimit-reset": "40" }, 429)).toBe(5);
    expect(read({ "ratelimit-reset": "soon" }, 429)).toBeUndefined();
    expect(read({ ratelimit: "nonsense" }, 429)).toBeUndefined();
  });
});
