import type { OperationStatus } from "@opwatch/core";
import { pollLoop } from "./poll-loop.js";
import type { Wait } from "./wait.js";

/** Why the loop's pause ended without a next value wanted: the caller called `return()`. */
const STOPPED = Symbol("stopped");

type Taker = { resolve(result: IteratorResult<OperationStatus>): void; reject(error: unknown): void };

/**
 * `watch`: the poll loop's changes as an async iterator. The loop starts at the first `next()` and, after
 * each change, pauses until the caller asks for the next one (a caller that stops asking stops the
 * polling); `return()` ends it. The wait's clock started when the watch was made.
 */
export class Changes implements AsyncIterableIterator<OperationStatus> {
  readonly #wait: Wait;
  #started = false;
  #ended = false;
  #error: { error: unknown } | undefined;
  readonly #takers: Taker[] = [];
  /** Resumes the loop paused after a change: true to go on, false to stop. */
  #resume: ((go: boolean) => void) | undefined;

  constructor(wait: Wait) {
    this.#wait = wait;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<OperationStatus>> {
    if (this.#error !== undefined) {
      const { error } = this.#error;
      this.#error = undefined;
      return Promise.reject(error);
    }
    if (this.#ended) return Promise.resolve({ done: true, value: undefined });
    return new Promise((resolve, reject) => {
      this.#takers.push({ resolve, reject });
      if (!this.#started) {
        this.#started = true;
        pollLoop(this.#wait, (status, last) => this.#emit(status, last)).then(
          () => this.#end(undefined),
          (error: unknown) => this.#end(error === STOPPED ? undefined : { error }),
        );
      } else {
        this.#continue(true);
      }
    });
  }

  return(): Promise<IteratorResult<OperationStatus>> {
    if (!this.#ended) {
      this.#ended = true;
      this.#continue(false);
      for (const taker of this.#takers.splice(0)) taker.resolve({ done: true, value: undefined });
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  /** Hands a change to the caller; the loop waits for the next `next()` unless this was the last. */
  #emit(status: OperationStatus, last: boolean): Promise<void> | undefined {
    this.#takers.shift()?.resolve({ done: false, value: status });
    if (last) return undefined;
    if (this.#ended) return Promise.reject(STOPPED);
    if (this.#takers.length > 0) return undefined; // asked for more already
    return new Promise<void>((resolve, reject) => {
      this.#resume = (go) => (go ? resolve() : reject(STOPPED));
    });
  }

  #continue(go: boolean): void {
    const resume = this.#resume;
    this.#resume = undefined;
    resume?.(go);
  }

  #end(failure: { error: unknown } | undefined): void {
    this.#ended = true;
    const takers = this.#takers.splice(0);
    if (failure !== undefined && takers.length === 0) this.#error = failure;
    for (const taker of takers) {
      if (failure !== undefined) taker.reject(failure.error);
      else taker.resolve({ done: true, value: undefined });
    }
  }
}
