// Many waits on one AbortSignal: one `abort` listener per signal for the whole watcher, whether the waits
// sleep, queue for a request slot or read, so Node never warns of a listener leak; aborting ends them all.
import { getEventListeners } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { AbortError } from "../src/index.js";
import { FakeClock } from "./support/fake-clock.js";
import { bentleyBody, json, OP_URL, stubWatcher } from "./support/provider-kit.js";

const warnings: Error[] = [];
const onWarning = (warning: Error) => warnings.push(warning);

afterEach(() => {
  process.off("warning", onWarning);
  warnings.length = 0;
});

describe("waits that share one AbortSignal", () => {
  it("twenty waits, some reading, some queued, then all sleeping, hold one listener and no warning", async () => {
    process.on("warning", onWarning);
    const clock = new FakeClock();
    const start = new Date(clock.now());
    // Reads that answer only when released: five in flight at once, the others queued for a slot.
    const pending: (() => void)[] = [];
    const { watcher } = stubWatcher(
      clock,
      () => new Promise<Response>((resolve) => pending.push(() => resolve(json(bentleyBody("Started", null, start))))),
      { maxInFlightPerOrigin: 5 },
    );
    const controller = new AbortController();
    const signal = controller.signal;
    const waits = Array.from({ length: 20 }, () =>
      watcher.wait(OP_URL, { signal }).then(
        () => undefined,
        (error: unknown) => error,
      ),
    );
    await clock.settle();
    expect(pending).toHaveLength(5);
    expect(getEventListeners(signal, "abort")).toHaveLength(1);
    while (pending.length > 0) {
      for (const release of pending.splice(0)) release();
      await clock.settle();
      expect(getEventListeners(signal, "abort")).toHaveLength(1);
    }
    controller.abort();
    const errors = await Promise.all(waits);
    expect(errors.every((error) => error instanceof AbortError)).toBe(true);
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
    expect(clock.timers).toBe(0);
    await new Promise((resolve) => setImmediate(resolve)); // Node emits its warning on a later tick
    expect(warnings.filter((w) => w.name === "MaxListenersExceededWarning")).toEqual([]);
  });

  it("twenty gets on one signal, in flight together, hold one listener; aborting cuts them all", async () => {
    const clock = new FakeClock();
    const { watcher, requests } = stubWatcher(clock, (request) => {
      return new Promise<Response>((_resolve, reject) => {
        request.signal?.addEventListener("abort", () => reject(request.signal?.reason), { once: true });
      });
    });
    const controller = new AbortController();
    const gets = Array.from({ length: 20 }, () =>
      watcher.get(OP_URL, { signal: controller.signal }).catch((error: unknown) => error),
    );
    await clock.settle();
    expect(requests).toHaveLength(16); // the default slots; four queue
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(1);
    controller.abort();
    const errors = await Promise.all(gets);
    expect(errors.every((error) => error instanceof AbortError)).toBe(true);
    expect(getEventListeners(controller.signal, "abort")).toHaveLength(0);
  });
});
