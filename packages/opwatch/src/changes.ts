import type { OperationStatus } from "@opwatch/core";
import { pollTurn } from "./poll-loop.js";
import type { Wait } from "./wait.js";

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
      if (this.#started) {
        this.#wait.resume();
        return;
      }
      this.#started = true;
      this.#wait
        .run(pollTurn, undefined, (status) => this.#handOn(status))
        .then(
          () => this.#end(undefined),
          (error: unknown) => this.#end({ error }),
        );
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
  #handOn(status: OperationStatus): boolean {
    this.#takers.shift()?.resolve({ done: false, value: status });
    return status.done || this.#takers.length > 0;
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
