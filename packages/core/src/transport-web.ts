// `#transport` everywhere but Node (browsers, workers, other runtimes: the "default" condition of
// package.json `imports`): reads always go through fetch, and no node: module reaches the bundle.
import type { Transport } from "./transport.js";

/** No transport of the platform's own: reads use fetch. @internal */
export function platformTransport(viaFetch: Transport): Transport {
  return viaFetch;
}
