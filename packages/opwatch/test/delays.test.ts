// Every delay rule, on its own: pacing (age, progress rate), failure backoff, pushback spread, Retry-After,
// the deadline clamp, and the jitter at the cap.
import { describe, expect, it } from "vitest";
import {
  atLeastRetryAfter,
  estimateRemaining,
  failureBackoff,
  pacingDelay,
  pushbackDelay,
  untilDeadline,
} from "../src/delays.js";

const half = () => 0.5;
const noProgress = { progress: undefined, sampleAt: undefined, sampleProgress: undefined };

describe("pacingDelay", () => {
  it("without progress reads a young operation again once it is five floors old", () => {
    const at = (ageMs: number, options = {}) =>
      pacingDelay({ now: ageMs, origin: 0, ...noProgress }, { random: half, ...options });
    expect(at(0)).toBe(5000);
    expect(at(2_000)).toBe(3000);
    expect(at(4_800)).toBe(1000); // never under the floor
    expect(at(0, { minDelayMs: 500 })).toBe(2500);
    expect(pacingDelay({ now: 0, origin: 0, ...noProgress }, { random: () => 0 })).toBe(4500); // −10 %
    expect(pacingDelay({ now: 0, origin: 0, ...noProgress }, { random: () => 0.999 })).toBe(5499); // +10 %
  });

  it("without progress grows with the operation's age, between the floor and the cap", () => {
    const at = (ageMs: number, options = {}) =>
      pacingDelay({ now: ageMs, origin: 0, ...noProgress }, { random: half, ...options });
    expect(at(5_000)).toBe(1500); // 1 s + 0.1 × 5 s
    expect(at(10_000)).toBe(2200); // 1 s + 0.1 × (10 s + the 2 s past 8 s)
    expect(at(100_000)).toBe(20_200);
    expect(at(10_000, { ageRatio: 0 })).toBe(1000);
    expect(at(10_000, { ageRatio: 0.3 })).toBe(4600);
  });

  it("jitters ±30 % without progress, never under the floor", () => {
    const at = (r: number, ageMs = 10_000, options = {}) =>
      pacingDelay({ now: ageMs, origin: 0, ...noProgress }, { random: () => r, ...options });
    expect(at(0)).toBe(1540);
    expect(at(0.999)).toBe(2859);
    expect(at(0, 5_000)).toBe(1050); // 0.7 × 1.5 s
    expect(at(0, 5_000, { minDelayMs: 1_100, ageRatio: 0 })).toBe(1100); // 0.7 × the floor is raised to the floor
  });

  it("spreads waits at the cap below it rather than waking them in one tick", () => {
    const seen = new Set<number>();
    let n = 0;
    const random = () => ((n++ * 7919) % 1000) / 1000;
    for (let i = 0; i < 50; i++) {
      const delay = pacingDelay({ now: 3_600_000, origin: 0, ...noProgress }, { random, maxDelayMs: 60_000 });
      expect(delay).toBeLessThanOrEqual(60_000);
      expect(delay).toBeGreaterThanOrEqual(42_000);
      seen.add(delay);
    }
    expect(seen.size).toBeGreaterThan(20);
  });

  it("with progress reads after half the estimated remaining time, then just after the estimated end", () => {
    // 10 % → 30 % in 20 s: 0.01/s, 70 s to go.
    const input = { now: 20_000, origin: 0, progress: 0.3, sampleAt: 0, sampleProgress: 0.1 };
    expect(estimateRemaining(input)).toBeCloseTo(70_000);
    expect(pacingDelay(input, { random: half })).toBe(35_000);
    // Past the cap (30 s): spread below it.
    expect(pacingDelay(input, { random: () => 0, maxDelayMs: 30_000 })).toBe(30_000);
    expect(pacingDelay(input, { random: half, maxDelayMs: 30_000 })).toBe(28_500);
    // 1.5 s to go: read a quarter floor after the estimated end.
    expect(
      pacingDelay({ now: 98_500, origin: 0, progress: 0.985, sampleAt: 0, sampleProgress: 0 }, { random: half }),
    ).toBe(1750);
  });

  it("with one sample and a known creation time, measures the rate since creation", () => {
    expect(
      estimateRemaining({ now: 60_000, origin: 0, progress: 0.5, sampleAt: 60_000, sampleProgress: 0.5 }),
    ).toBeCloseTo(60_000);
  });
});

describe("failureBackoff", () => {
  const opts = (r: number) => ({ minDelayMs: 1000, maxDelayMs: 30_000, random: () => r });

  it("starts at the floor and grows the upper bound exponentially up to the cap", () => {
    expect(failureBackoff(0, opts(0.999))).toBe(1000);
    expect(failureBackoff(1, opts(0.999))).toBe(1999);
    expect(failureBackoff(3, opts(0.999))).toBe(7993);
    expect(failureBackoff(10, opts(0.999))).toBe(29_971);
    expect(failureBackoff(200, opts(1))).toBe(30_000);
  });

  it("never goes below the floor, whatever the jitter", () => {
    for (let failures = 0; failures < 12; failures++) expect(failureBackoff(failures, opts(0))).toBe(1000);
  });

  it("spreads waits that failed together: the jitter covers [floor, bound]", () => {
    const seen = new Set(Array.from({ length: 50 }, () => failureBackoff(4, { minDelayMs: 100, maxDelayMs: 10_000 })));
    expect(seen.size).toBeGreaterThan(10);
    for (const delay of seen) {
      expect(delay).toBeGreaterThanOrEqual(100);
      expect(delay).toBeLessThanOrEqual(1600);
    }
  });

  it("uses 1 s and 60 s by default", () => {
    expect(failureBackoff(0, { random: () => 0 })).toBe(1000);
    expect(failureBackoff(99, { random: () => 1 })).toBe(60_000);
  });
});

describe("pushback, Retry-After and the deadline", () => {
  it("waits a pushback out, plus a random part of one floor", () => {
    expect(pushbackDelay(5_000, { random: () => 0 })).toBe(5_000);
    expect(pushbackDelay(5_000, { random: () => 0.5, minDelayMs: 2_000 })).toBe(6_000);
    expect(pushbackDelay(-10, { random: () => 0 })).toBe(0);
  });

  it("never reads earlier than the server's Retry-After", () => {
    expect(atLeastRetryAfter(2_000, "pacing", 0)).toEqual({ delayMs: 2_000, reason: "pacing" });
    expect(atLeastRetryAfter(2_000, "pacing", 1_000)).toEqual({ delayMs: 2_000, reason: "pacing" });
    expect(atLeastRetryAfter(2_000, "pacing", 5_000)).toEqual({ delayMs: 5_000, reason: "retry-after" });
  });

  it("ends every delay at the deadline at the latest", () => {
    expect(untilDeadline(5_000, 1_000, 3_000)).toBe(2_000);
    expect(untilDeadline(500, 1_000, 3_000)).toBe(500);
    expect(untilDeadline(500, 4_000, 3_000)).toBe(0);
  });
});
