// `@opwatch/core/internal`: the small helpers the generated provider code calls, each importable alone (an
// app bundles only those its providers' specs need). For the generated packages; no semver promise.
export { basicHeader } from "./basic-auth.js";
export { own, textIs, textOf } from "./body-fields.js";
export { mappedRedirects, stateInAnswer } from "./mapped-answers.js";
export {
  decodeParam,
  encodeSegments,
  numberParam,
  type ParamKind,
  refuseParam,
  segmentsParam,
  show,
  stringParam,
  UUID,
  unknownEndpoint,
} from "./param-checks.js";
export { clientFactory } from "./provider.js";
export { segmentFiller } from "./segment-filler.js";
export {
  enumVariable,
  givenBaseUrl,
  hostVariable,
  noServer,
  noValue,
  openValueFits,
  openVariable,
} from "./server-checks.js";
export { findEntry } from "./shapes/entries.js";
export { epochDate } from "./shapes/epoch.js";
export { joinTexts } from "./shapes/failure-text.js";
export { ratioOf } from "./shapes/progress.js";
export { resultUrlOf } from "./shapes/result-url.js";
export { parseDelaySeconds } from "./shapes/retry-delay.js";
export { isTerminal } from "./status.js";
export { failureOf, fallbackId, progressOf, redirectStatus, timestampReader } from "./status-parts.js";
