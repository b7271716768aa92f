/** Requests in flight per origin, shared by every wait and watch of a watcher. */
export const DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN = 16;

/**
 * Something queued for a request slot. A wait queues itself (no promise per queued wait); `cancelled`
 * marks one that gave up (abort, deadline), which the queue then skips.
 */
export interface SlotWaiter {
  cancelled: boolean;
  /** Called when a slot passes to this waiter; it must `release` the slot when its request ends. A waiter
   * that returns false declines it (it found it must not send now), and the slot passes on. */
  admit(): boolean;
}

interface Origin {
  inFlight: number;
  queue: (SlotWaiter | undefined)[];
  head: number;
}

/** Per-origin request slots: at most `max` requests in flight per origin, the others queue first come, first served. */
export class RequestSlots {
  readonly max: number;
  readonly #origins = new Map<string, Origin>();

  constructor(max: number = DEFAULT_MAX_IN_FLIGHT_PER_ORIGIN) {
    this.max = max;
  }

  /** Takes a slot when one is free now. */
  take(origin: string): boolean {
    let state = this.#origins.get(origin);
    if (!state) {
      state = { inFlight: 0, queue: [], head: 0 };
      this.#origins.set(origin, state);
    }
    if (state.inFlight >= this.max) return false;
    state.inFlight++;
    return true;
  }

  /** Queues `waiter` for the next slot of `origin` (after `take` said none is free). */
  enqueue(origin: string, waiter: SlotWaiter): void {
    this.#origins.get(origin)?.queue.push(waiter);
  }

  /** Gives a slot back; the next queued waiter of that origin takes it. */
  release(origin: string): void {
    const state = this.#origins.get(origin);
    if (!state) return;
    while (state.head < state.queue.length) {
      const waiter = state.queue[state.head] as SlotWaiter;
      state.queue[state.head++] = undefined;
      if (state.head > 1024 && state.head * 2 > state.queue.length) {
        state.queue = state.queue.slice(state.head);
        state.head = 0;
      }
      // The slot passes on (inFlight stays the same), unless the waiter declines it.
      if (!waiter.cancelled && waiter.admit()) return;
    }
    state.queue.length = 0;
    state.head = 0;
    state.inFlight--;
  }
}
