import { type AbortError, abortError } from "@opwatch/core";

/** The wait's AbortError (core's one abort-error factory). */
export function aborted(signal: AbortSignal, provider?: string): AbortError {
  return abortError(provider, signal, "wait");
}

/** Something that ends when its caller's signal fires (a wait, a `get`). */
export interface Abortable {
  abort(): void;
}

/**
 * One `abort` listener per signal for a whole scheduler, however many waits share that signal: a listener
 * per wait (or per read in flight) made twenty waits on one signal print Node's MaxListenersExceededWarning.
 * The listener goes away with the last wait that uses the signal.
 */
export class AbortRelay {
  /** By signal: the one abortable that uses it, or a set once there are several (most signals have one). */
  readonly #bySignal = new Map<AbortSignal, Abortable | Set<Abortable>>();

  /** Calls `who.abort()` when `signal` fires, until {@link forget}. */
  watch(signal: AbortSignal, who: Abortable): void {
    const known = this.#bySignal.get(signal);
    if (known === undefined) {
      this.#bySignal.set(signal, who);
      signal.addEventListener("abort", this);
    } else if (known instanceof Set) {
      known.add(who);
    } else if (known !== who) {
      this.#bySignal.set(signal, new Set([known, who]));
    }
  }

  forget(signal: AbortSignal, who: Abortable): void {
    const known = this.#bySignal.get(signal);
    if (known instanceof Set) {
      known.delete(who);
      if (known.size > 0) return;
    } else if (known !== who) {
      return;
    }
    this.#bySignal.delete(signal);
    signal.removeEventListener("abort", this);
  }

  /** The listener (this object: no closure per signal). */
  handleEvent(event: Event): void {
    const signal = event.target as AbortSignal;
    const known = this.#bySignal.get(signal);
    this.#bySignal.delete(signal);
    signal.removeEventListener("abort", this);
    if (known instanceof Set) for (const who of known) who.abort();
    else known?.abort();
  }

  /** Signals listened to now (tests: a finished wait leaves none). */
  get size(): number {
    return this.#bySignal.size;
  }
}
