import type { OperationStatus } from "@opwatch/core";
import { WATCH_RUN } from "./poll-loop.js";
import type { Params, ReadContext } from "./read-context.js";
import { type ChangeTaker, Wait } from "./wait.js";
import type { CheckedOptions } from "./wait-options.js";

type Taker = { resolve(result: IteratorResult<OperationStatus>): void; reject(error: unknown): void };

/**
 * `watch`: the poll loop's changes as an async iterator. The loop starts at the first `next()` and, after
 * each change, pauses until the caller asks for the next one (a caller that stops asking stops the
 * polling); `return()` ends it. The wait's clock started when the watch was made.
 */
export class Changes implements AsyncIterableIterator<OperationStatus>, ChangeTaker {
  readonly #wait: Wait;
  #started = false;
  #ended = false;
  #error: { error: unknown } | undefined;
  readonly #takers: Taker[] = [];

  constructor(ctx: ReadContext, params: Params | undefined, options: CheckedOptions) {
    this.#wait = new Wait(ctx, params, options, WATCH_RUN);
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
      if (this.#started) {
        this.#wait.resume();
        return;
      }
      this.#started = true;
      this.#wait.run(this);
    });
  }

  return(): Promise<IteratorResult<OperationStatus>> {
    if (!this.#ended) {
      this.#ended = true;
      this.#wait.stop();
      for (const taker of this.#takers.splice(0)) taker.resolve({ done: true, value: undefined });
    }
    return Promise.resolve({ done: true, value: undefined });
  }

  /** Hands a change to the caller: true to go on (the end, or more asked for already), false to pause. */
  take(status: OperationStatus): boolean {
    this.#takers.shift()?.resolve({ done: false, value: status });
    return status.done || this.#takers.length > 0;
  }

  /** The loop's end: the takers waiting get it (or the next `next()`, a failure). */
  end(failure: { error: unknown } | undefined): void {
    this.#ended = true;
    const takers = this.#takers.splice(0);
    if (failure !== undefined && takers.length === 0) this.#error = failure;
    for (const taker of takers) {
      if (failure !== undefined) taker.reject(failure.error);
      else taker.resolve({ done: true, value: undefined });
    }
  }
}
