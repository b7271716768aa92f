// `opwatch/internal`: what the CLI, the durable package and the bench share with the facade. Not part of
// the public API: no semver promise, and nothing here appears in the API report.
export {
  atLeastRetryAfter,
  estimateRemaining,
  failureBackoff,
  type PacingInput,
  pacingDelay,
  pushbackDelay,
  untilDeadline,
} from "./delays.js";
