// `@opwatch/core/internal`: the small helpers the generated provider code calls, each importable alone (an
// app bundles only those its providers' specs need). For the generated packages; no semver promise.
export { own, textIs, textOf } from "./body-fields.js";
export {
  decodeParam,
  encodeSegments,
  numberParam,
  refuseParam,
  show,
  stringParam,
  UUID,
  unknownEndpoint,
} from "./param-checks.js";
export { clientFactory } from "./provider.js";
export {
  enumVariable,
  givenBaseUrl,
  hostVariable,
  noServer,
  noValue,
  openValueFits,
  openVariable,
} from "./server-checks.js";
export { isTerminal } from "./status.js";
export { failureOf, fallbackId, progressOf, redirectStatus, timestampReader } from "./status-parts.js";
