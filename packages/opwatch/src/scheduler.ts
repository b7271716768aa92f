import { AbortRelay } from "./abort.js";
import { type Clock, systemClock } from "./clock.js";
import { DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN, RequestSlots } from "./request-slots.js";

const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * One pending wake-up. A wait is its own entry (it sleeps, or waits for its deadline, in one place at a
 * time), so putting it to sleep allocates nothing.
 */
export interface Wakeup {
  /** When {@link Wakeup.wake} runs: ms after the scheduler's epoch (the scheduler's `relative`). */
  at: number;
  /** Insertion order: wake-ups due at the same instant run first in, first out. */
  seq: number;
  /** Place in the heap, -1 when not in it. */
  index: number;
  wake(): void;
}

/**
 * The one scheduler of a watcher: a heap of wake-ups driven by a single timer (10,000 sleeping waits
 * cost 10,000 heap entries, not 10,000 timers), a cap on requests in flight per origin (first polls are
 * admitted through it, so 10,000 waits never open 10,000 sockets), and the provider's pushback per key
 * (a 429 or a Retry-After on an error seen by one wait delays every wait with the same key), and one
 * `abort` listener per signal.
 *
 * The heap keeps its instants as ms after the scheduler's epoch (its clock's first reading): small whole
 * numbers V8 stores inside each wait, where epoch ms would each take a boxed number of 16 B. It is a
 * min-heap ordered by `at`, then `seq` (first in, first out at the same instant); entries know their own
 * place, so removal is O(log n).
 */
export class Scheduler {
  readonly clock: Clock;
  readonly slots: RequestSlots;
  /** The one `abort` listener per signal of every wait of this scheduler. */
  readonly aborts = new AbortRelay();
  readonly #heap: Wakeup[] = [];
  #seq = 0;
  #handle: unknown;
  #armedAt = Number.POSITIVE_INFINITY;
  readonly #pushback = new Map<string, number>();
  #epoch: number | undefined = undefined;

  constructor(clock: Clock = systemClock, maxInFlight: number = DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN) {
    this.clock = clock;
    this.slots = new RequestSlots(maxInFlight);
  }

  /** Epoch ms `at` as ms after the scheduler's epoch (the clock's first reading through here). */
  relative(at: number): number {
    this.#epoch ??= Math.trunc(this.clock.now());
    const relative = at - this.#epoch;
    // A whole number in 32 bits as one V8 keeps unboxed (a difference of two boxed numbers stays boxed).
    return relative === (relative | 0) ? relative | 0 : relative;
  }

  /** The epoch ms of an instant kept by {@link relative}. */
  absolute(relative: number): number {
    return relative + (this.#epoch ?? 0);
  }

  /** Runs `entry.wake()` once `clock.now()` reaches `at` (moving it when it is already scheduled). */
  wakeAt(entry: Wakeup, at: number): void {
    this.#remove(entry);
    entry.at = this.relative(at);
    entry.seq = this.#seq++;
    entry.index = this.#heap.length;
    this.#heap.push(entry);
    this.#up(entry.index);
    this.#arm();
  }

  /** Calls `fire` once `clock.now()` reaches `at`; returns the wake-up for {@link cancel}. */
  at(at: number, fire: () => void): Wakeup {
    const entry: Wakeup = { at, seq: 0, index: -1, wake: fire };
    this.wakeAt(entry, at);
    return entry;
  }

  /** Takes a wake-up out of the heap; nothing happens when it is not scheduled. */
  cancel(entry: Wakeup): void {
    if (entry.index < 0) return;
    this.#remove(entry);
    this.#arm();
  }

  /** Gives a slot back; the next queued request of that origin takes it. */
  release(origin: string): void {
    this.slots.release(origin);
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
    const delay = Math.min(MAX_TIMEOUT_MS, Math.max(0, this.absolute(top.at) - this.clock.now()));
    this.#handle = this.clock.setTimeout(this.#run, delay);
  }

  readonly #run = (): void => {
    this.#handle = undefined;
    this.#armedAt = Number.POSITIVE_INFINITY;
    const now = this.relative(this.clock.now());
    const heap = this.#heap;
    for (let top = heap[0]; top !== undefined && top.at <= now; top = heap[0]) {
      this.#remove(top);
      top.wake();
    }
    this.#arm();
  };

  /** Takes `entry` out; nothing happens when it is not in the heap. */
  #remove(entry: Wakeup): void {
    const heap = this.#heap;
    const index = entry.index;
    if (index < 0 || heap[index] !== entry) return;
    entry.index = -1;
    const last = heap.pop() as Wakeup;
    if (last !== entry) {
      heap[index] = last;
      last.index = index;
      this.#down(index);
      this.#up(last.index);
    }
  }

  #less(a: Wakeup, b: Wakeup): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  #up(index: number): void {
    const heap = this.#heap;
    const entry = heap[index] as Wakeup;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex] as Wakeup;
      if (!this.#less(entry, parent)) break;
      heap[index] = parent;
      parent.index = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.index = index;
  }

  #down(index: number): void {
    const heap = this.#heap;
    const length = heap.length;
    const entry = heap[index] as Wakeup;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      const right = child + 1;
      if (right < length && this.#less(heap[right] as Wakeup, heap[child] as Wakeup)) child = right;
      const next = heap[child] as Wakeup;
      if (!this.#less(next, entry)) break;
      heap[index] = next;
      next.index = index;
      index = child;
    }
    heap[index] = entry;
    entry.index = index;
  }
}
