// pushback beyond Retry-After, at the edges the docs name: delta or epoch seconds told
// apart at 1 000 000 000, a reset already past, the IETF RateLimit field only when nothing remains (or on
// a 429), the most cautious of several headers, and garbage ignored rather than guessed at.
import { describe, expect, it } from "vitest";
import { readPushback } from "../src/index.js";

const NOW = Date.UTC(2026, 0, 1);
const at = (headers: Record<string, string>, status: number) => readPushback(new Headers(headers), status, NOW);

describe("readPushback at the edges", () => {
  it("reads RateLimit-Reset and X-RateLimit-Reset as delta or epoch seconds, by magnitude", () => {
    expect(at({ "ratelimit-reset": "7" }, 429)).toBe(7);
    expect(at({ "x-ratelimit-reset": String(NOW / 1000 + 12) }, 429)).toBe(12);
    expect(at({ "x-ratelimit-reset": String(NOW / 1000 - 12) }, 429)).toBe(0);
    expect(at({ "x-ratelimit-reset": "1000000000" }, 429)).toBe(0);
    expect(at({ "x-ratelimit-reset": "999999" }, 429)).toBe(999999);
  });

  it("honours a reset on a good answer only when the remaining count is 0", () => {
    expect(at({ "x-ratelimit-reset": "7" }, 200)).toBeUndefined();
    expect(at({ "x-ratelimit-reset": "7", "x-ratelimit-remaining": "0" }, 200)).toBe(7);
    expect(at({ "ratelimit-reset": "7", "ratelimit-remaining": "0" }, 200)).toBe(7);
    expect(at({ ratelimit: '"default";r=0;t=30' }, 200)).toBe(30);
    expect(at({ ratelimit: '"default";r=1;t=30' }, 200)).toBeUndefined();
    // A 429 whose budget is not spent (a secondary limit) does not wait for the budget's reset.
    expect(at({ ratelimit: '"default";r=1;t=30' }, 429)).toBeUndefined();
    expect(at({ ratelimit: '"default";t=30' }, 429)).toBe(30);
    expect(at({ ratelimit: '"a";r=5;t=3, "b";r=0;t=40' }, 200)).toBe(40);
  });

  it("lets Retry-After win on a 429, takes the longer wait elsewhere, and ignores what it cannot read", () => {
    expect(at({ "retry-after": "3", "ratelimit-reset": "30" }, 429)).toBe(3);
    expect(at({ "retry-after": "3", "ratelimit-reset": "30", "ratelimit-remaining": "0" }, 403)).toBe(30);
    expect(at({ "retry-after": new Date(NOW + 10_000).toUTCString() }, 503)).toBe(10);
    expect(at({ "retry-after": new Date(NOW - 10_000).toUTCString() }, 503)).toBe(0);
    for (const value of ["-1", "abc", "", "1e3", "0x10"]) {
      expect(at({ "retry-after": value, "ratelimit-reset": value }, 429), value).toBeUndefined();
    }
    expect(at({ ratelimit: "garbage" }, 429)).toBeUndefined();
  });
});
