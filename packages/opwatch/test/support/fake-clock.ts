// A clock the test drives: time moves only when the test advances it, timers fire in order.
import type { Clock } from "../../src/index.js";

export class FakeClock implements Clock {
  time: number;
  #timers = new Map<number, { at: number; callback: () => void }>();
  #next = 1;

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now = (): number => this.time;

  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.#next++;
    this.#timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  };

  clearTimeout = (handle: unknown): void => {
    this.#timers.delete(handle as number);
  };

  /** When the next timer is due (epoch ms), if any. */
  nextTimer(): number | undefined {
    let due: number | undefined;
    for (const timer of this.#timers.values()) if (due === undefined || timer.at < due) due = timer.at;
    return due;
  }

  /** Timers set and not yet fired or cleared. */
  get timers(): number {
    return this.#timers.size;
  }

  /** Lets promise chains (and stub fetches' body streams) settle. */
  async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Moves time forward by `ms`, firing each timer due on the way at its own instant. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await this.settle();
    for (;;) {
      let id: number | undefined;
      let due = Number.POSITIVE_INFINITY;
      for (const [key, timer] of this.#timers) {
        if (timer.at < due) {
          due = timer.at;
          id = key;
        }
      }
      if (id === undefined || due > end) break;
      const timer = this.#timers.get(id);
      this.#timers.delete(id);
      this.time = Math.max(this.time, due);
      timer?.callback();
      await this.settle();
    }
    this.time = end;
    await this.settle();
  }

  /** Advances until `promise` settles (or `limitMs` of fake time pass); resolves with its outcome. */
  async run<T>(promise: Promise<T>, limitMs = 3_600_000, stepMs = 100): Promise<{ value?: T; error?: unknown }> {
    let outcome: { value?: T; error?: unknown } | undefined;
    promise.then(
      (value) => {
        outcome = { value };
      },
      (error: unknown) => {
        outcome = { error };
      },
    );
    const end = this.time + limitMs;
    await this.settle();
    while (!outcome && this.time < end) await this.advance(stepMs);
    if (!outcome) throw new Error(`still pending after ${limitMs} ms of fake time`);
    return outcome;
  }

  /** Like `run`, jumping from timer to timer instead of a fixed step (fast for long fake waits); resolves
   * or rejects as `promise` does. */
  async jump<T>(promise: Promise<T>, limitMs = 24 * 3_600_000): Promise<T> {
    let settled = false;
    const mark = () => {
      settled = true;
    };
    promise.then(mark, mark);
    const end = this.time + limitMs;
    for (;;) {
      await this.settle();
      if (settled) return promise;
      const next = this.nextTimer();
      if (next === undefined || next > end) throw new Error("nothing left to run, or past the limit");
      await this.advance(next - this.time);
    }
  }
}
