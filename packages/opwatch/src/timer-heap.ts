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

/** A min-heap of wake-ups ordered by `at`, then `seq`; entries know their own place, so removal is O(log n). */
export class TimerHeap {
  readonly #heap: Wakeup[] = [];
  #seq = 0;

  get size(): number {
    return this.#heap.length;
  }

  /** The earliest wake-up. */
  peek(): Wakeup | undefined {
    return this.#heap[0];
  }

  /** Adds `entry` to run at `at` (moving it if it is already in the heap). */
  push(entry: Wakeup, at: number): void {
    this.remove(entry);
    entry.at = at;
    entry.seq = this.#seq++;
    entry.index = this.#heap.length;
    this.#heap.push(entry);
    this.#up(entry.index);
  }

  /** Takes `entry` out; nothing happens when it is not in the heap. */
  remove(entry: Wakeup): void {
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
