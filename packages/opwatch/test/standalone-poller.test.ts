// The standalone pollers (pollUntilDone, pollChanges): the same clock check as createWatcher, and a clock
// that throws while a read is cut settles the wait instead of escaping as an unhandled rejection.
import { describe, expect, it } from "vitest";
import { type OperationStatus, pollChanges, pollUntilDone, type ReadOnce, ValidationError } from "../src/index.js";
import { FakeClock } from "./support/fake-clock.js";

const status = (done: boolean): OperationStatus => ({
  provider: "custom",
  id: "job",
  state: done ? "succeeded" : "running",
  done,
  rawStatus: done ? "done" : "running",
  progress: undefined,
  createdAt: undefined,
  updatedAt: undefined,
  error: undefined,
  resultUrl: undefined,
  raw: undefined,
  ref: { provider: "custom", endpoint: "getJob", baseUrl: "https://jobs.example", params: { id: "job" } },
});

const CLOCK_MESSAGE = "clock must have now(), setTimeout() and clearTimeout().";

describe("standalone pollers: the clock", () => {
  const now = () => 0;
  const setTimeout = () => 1;
  const clearTimeout = () => undefined;
  const partial = [
    { setTimeout, clearTimeout },
    { now, clearTimeout },
    { now, setTimeout },
  ];

  it("pollUntilDone refuses a clock without now, setTimeout or clearTimeout before any read", async () => {
    for (const clock of partial) {
      let reads = 0;
      const read: ReadOnce = async () => {
        reads++;
        return { status: status(true) };
      };
      const waiting = pollUntilDone(read, "job", { clock: clock as never });
      await expect(waiting).rejects.toThrow(ValidationError);
      await expect(waiting).rejects.toThrow(CLOCK_MESSAGE);
      expect(reads).toBe(0);
    }
  });

  it("pollChanges refuses it too, before any read", () => {
    for (const clock of partial) {
      let reads = 0;
      const read: ReadOnce = async () => {
        reads++;
        return { status: status(true) };
      };
      expect(() => pollChanges(read, "job", { clock: clock as never })).toThrow(CLOCK_MESSAGE);
      expect(reads).toBe(0);
    }
  });

  it("a clock whose clearTimeout throws ends the wait with its error (no unhandled rejection)", async () => {
    const clock = new FakeClock();
    const broken = {
      now: clock.now,
      setTimeout: clock.setTimeout,
      clearTimeout: () => {
        throw new Error("this clock cannot clear");
      },
    };
    const read: ReadOnce = async () => ({ status: status(true) });
    await expect(pollUntilDone(read, "job", { clock: broken })).rejects.toThrow("this clock cannot clear");
    const changes = pollChanges(read, "job", { clock: broken });
    await expect(changes.next()).rejects.toThrow("this clock cannot clear");
  });

  it("a good fake clock still drives a standalone wait to its end", async () => {
    const clock = new FakeClock();
    let reads = 0;
    const read: ReadOnce = async () => ({ status: status(++reads >= 2) });
    const waiting = pollUntilDone(read, "job", { clock, minDelayMs: 1_000, maxDelayMs: 1_000 });
    await clock.settle();
    expect(reads).toBe(1);
    await clock.advance(1_000);
    expect((await waiting).state).toBe("succeeded");
  });
});
