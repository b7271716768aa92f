import { AbortRelay } from "./abort.js";
import { type Clock, systemClock } from "./clock.js";
import { DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN, RequestSlots } from "./request-slots.js";
import { TimerHeap, type Wakeup } from "./timer-heap.js";

const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * The one scheduler of a watcher: a heap of wake-ups driven by a single timer (10,000 sleeping waits
 * cost 10,000 heap entries, not 10,000 timers), a cap on requests in flight per origin (first polls are
 * admitted through it, so 10,000 waits never open 10,000 sockets), and the provider's pushback per key
 * (a 429 or a Retry-After on an error seen by one wait delays every wait with the same key), and one
 * `abort` listener per signal.
 *
 * The heap keeps its instants as ms after the scheduler's epoch (its clock's first reading): small whole
 * numbers V8 stores inside each wait, where epoch ms would each take a boxed number of 16 B.
 */
export class Scheduler {
  readonly clock: Clock;
  readonly slots: RequestSlots;
  /** The one `abort` listener per signal of every wait of this scheduler. */
  readonly aborts = new AbortRelay();
  readonly #heap = new TimerHeap();
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
    this.#heap.push(entry, this.relative(at));
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
    this.#heap.remove(entry);
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
    return this.#heap.size;
  }

  #arm(): void {
    const top = this.#heap.peek();
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
    for (let top = heap.peek(); top !== undefined && top.at <= now; top = heap.peek()) {
      heap.remove(top);
      top.wake();
    }
    this.#arm();
  };
}
