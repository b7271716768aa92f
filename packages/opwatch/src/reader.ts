import { type Reader, readerOf, setUpWatcher, type WatcherOptions } from "./watcher-setup.js";

/**
 * The watcher without polling: `ref`, `get` and `pushbackKey`, through the same request slots. An app
 * that only reads statuses bundles this and none of `wait`, `watch` or `step`.
 */
export function createReader(options: WatcherOptions): Reader {
  return readerOf(setUpWatcher(options));
}
