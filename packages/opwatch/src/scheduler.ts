import { type Clock, systemClock } from "./clock.js";

/** Requests in flight per origin, shared by every wait and watch of a watcher. */
export const DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN = 16;
const MAX_TIMEOUT_MS = 2_147_483_647;

/** One pending wake-up in the scheduler's heap. */
interface Timer {
  at: number;
  seq: number;
  index: number;
  fire: () => void;
}

interface Slot {
  resolve: () => void;
  cancelled: boolean;
}

interface Origin {
  inFlight: number;
  queue: Slot[];
  head: number;
}

/**
 * The one scheduler of a watcher: a min-heap of wake-ups driven by a single timer (10,000 sleeping waits
 * cost 10,000 heap entries, not 10,000 timers), a cap on requests in flight per origin (first polls are
 * admitted through it, so 10,000 waits never open 10,000 sockets), and the provider's pushback per key
 * (a 429 or a Retry-After on an error seen by one wait delays every wait with the same key).
 */
export class Scheduler {
  readonly clock: Clock;
  readonly maxInFlight: number;
  readonly #heap: Timer[] = [];
  #seq = 0;
  #handle: unknown;
  #armedAt = Number.POSITIVE_INFINITY;
  readonly #origins = new Map<string, Origin>();
  readonly #pushback = new Map<string, number>();

  constructor(clock: Clock = systemClock, maxInFlight: number = DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN) {
    this.clock = clock;
    this.maxInFlight = maxInFlight;
  }

  /** Calls `fire` once `clock.now()` reaches `at`; returns the timer for {@link cancel}. */
  at(at: number, fire: () => void): Timer {
    const timer: Timer = { at, seq: this.#seq++, index: this.#heap.length, fire };
    this.#heap.push(timer);
    this.#up(timer.index);
    this.#arm();
    return timer;
  }

  cancel(timer: Timer): void {
    this.#remove(timer);
    this.#arm();
  }

  #remove(timer: Timer): void {
    const heap = this.#heap;
    const index = timer.index;
    if (index < 0 || heap[index] !== timer) return;
    timer.index = -1;
    const last = heap.pop() as Timer;
    if (last !== timer) {
      heap[index] = last;
      last.index = index;
      this.#down(index);
      this.#up(last.index);
    }
  }

  /** Resolves after `ms`, or rejects with `abortError()` as soon as `signal` fires; leaves nothing behind. */
  sleep(ms: number, signal: AbortSignal | undefined, abortError: () => Error): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortError());
    return new Promise((resolve, reject) => {
      if (!signal) {
        this.at(this.clock.now() + ms, resolve);
        return;
      }
      const onAbort = () => {
        this.cancel(timer);
        reject(abortError());
      };
      const timer = this.at(this.clock.now() + ms, () => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      });
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }

  /**
   * Takes a request slot for `origin`: `undefined` when one is free now (no promise on the hot path),
   * else a promise that resolves when one frees up (FIFO), or rejects when `signal` fires or `deadline`
   * (epoch ms) passes first.
   */
  acquire(
    origin: string,
    signal: AbortSignal | undefined,
    abortError: () => Error,
    deadline: number = Number.POSITIVE_INFINITY,
    deadlineError?: () => Error,
  ): Promise<void> | undefined {
    let state = this.#origins.get(origin);
    if (!state) {
      state = { inFlight: 0, queue: [], head: 0 };
      this.#origins.set(origin, state);
    }
    if (state.inFlight < this.maxInFlight) {
      state.inFlight++;
      return undefined;
    }
    const queue = state.queue;
    return new Promise((resolve, reject) => {
      const slot: Slot = { resolve, cancelled: false };
      queue.push(slot);
      const timer =
        deadline === Number.POSITIVE_INFINITY || !deadlineError
          ? undefined
          : this.at(deadline, () => {
              slot.cancelled = true;
              signal?.removeEventListener("abort", onAbort);
              reject(deadlineError());
            });
      const onAbort = () => {
        slot.cancelled = true;
        if (timer) this.cancel(timer);
        reject(abortError());
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      if (signal || timer) {
        slot.resolve = () => {
          signal?.removeEventListener("abort", onAbort);
          if (timer) this.cancel(timer);
          resolve();
        };
      }
    });
  }

  /** Gives a slot back; the next queued request of that origin takes it. */
  release(origin: string): void {
    const state = this.#origins.get(origin);
    if (!state) return;
    while (state.head < state.queue.length) {
      const slot = state.queue[state.head] as Slot;
      state.queue[state.head++] = undefined as unknown as Slot;
      if (state.head > 1024 && state.head * 2 > state.queue.length) {
        state.queue = state.queue.slice(state.head);
        state.head = 0;
      }
      if (!slot.cancelled) {
        slot.resolve(); // the slot passes on: inFlight stays the same
        return;
      }
    }
    state.queue.length = 0;
    state.head = 0;
    state.inFlight--;
  }

  /** Requests of this origin in flight now, and queued for a slot. */
  load(origin: string): { inFlight: number; queued: number } {
    const state = this.#origins.get(origin);
    if (!state) return { inFlight: 0, queued: 0 };
    let queued = 0;
    for (let i = state.head; i < state.queue.length; i++) if (!state.queue[i]?.cancelled) queued++;
    return { inFlight: state.inFlight, queued };
  }

  /** Records the provider's pushback: nothing with this key is sent before `untilMs` (epoch ms). */
  pushback(key: string, untilMs: number): void {
    if (untilMs > (this.#pushback.get(key) ?? 0)) this.#pushback.set(key, untilMs);
  }

  /** The instant before which nothing with this key may be sent, or 0. */
  pushbackUntil(key: string): number {
    const until = this.#pushback.get(key);
    if (until === undefined) return 0;
    if (until <= this.clock.now()) {
      this.#pushback.delete(key);
      return 0;
    }
    return until;
  }

  /** Wake-ups pending (tests: an aborted wait leaves none). */
  get pending(): number {
    return this.#heap.length;
  }

  #arm(): void {
    const top = this.#heap[0];
    if (!top) {
      if (this.#handle !== undefined) this.clock.clearTimeout(this.#handle);
      this.#handle = undefined;
      this.#armedAt = Number.POSITIVE_INFINITY;
      return;
    }
    if (this.#handle !== undefined && top.at >= this.#armedAt) return; // an early wake-up re-arms
    if (this.#handle !== undefined) this.clock.clearTimeout(this.#handle);
    this.#armedAt = top.at;
    const delay = Math.min(MAX_TIMEOUT_MS, Math.max(0, top.at - this.clock.now()));
    this.#handle = this.clock.setTimeout(this.#run, delay);
  }

  readonly #run = (): void => {
    this.#handle = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const now = this.clock.now();
    const heap = this.#heap;
    while (heap.length > 0 && (heap[0] as Timer).at <= now) {
      const timer = heap[0] as Timer;
      this.#remove(timer);
      timer.fire();
    }
    this.#arm();
  };

  #less(a: Timer, b: Timer): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #up(index: number): void {
    const heap = this.#heap;
    const timer = heap[index] as Timer;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as Timer;
      if (!this.#less(timer, parent)) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = timer;
    timer.index = index;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const timer = heap[index] as Timer;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      const right = child + 1;
      if (right < length && this.#less(heap[right] as Timer, heap[child] as Timer)) child = right;
      const next = heap[child] as Timer;
      if (!this.#less(next, timer)) break;
      heap[index] = next;
      next.index = index;
      index = child;
    }
    heap[index] = timer;
    timer.index = index;
  }
}
