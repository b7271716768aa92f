import { describe, expect, it } from "vitest";
import { backoffDelay } from "../src/index.js";

describe("backoffDelay", () => {
  const opts = (r: number) => ({ minDelayMs: 1000, maxDelayMs: 30_000, random: () => r });

  it("starts at the floor and grows the upper bound exponentially up to the cap", () => {
    expect(backoffDelay(0, opts(0.999))).toBe(1000);
    expect(backoffDelay(1, opts(0.999))).toBe(1999);
    expect(backoffDelay(3, opts(0.999))).toBe(7993);
    expect(backoffDelay(10, opts(0.999))).toBe(29_971);
    expect(backoffDelay(200, opts(1))).toBe(30_000);
  });

  it("never goes below the floor, whatever the jitter", () => {
    for (let attempt = 0; attempt < 12; attempt++) expect(backoffDelay(attempt, opts(0))).toBe(1000);
  });

  it("spreads waiters: the jitter covers [floor, bound]", () => {
    const seen = new Set(Array.from({ length: 50 }, () => backoffDelay(4, { minDelayMs: 100, maxDelayMs: 10_000 })));
    expect(seen.size).toBeGreaterThan(10);
    for (const delay of seen) {
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(1600);
    }
  });

  it("uses 1 s and 60 s by default", () => {
    expect(backoffDelay(0, { random: () => 0 })).toBe(1000);
    expect(backoffDelay(99, { random: () => 1 })).toBe(60_000);
  });
});
