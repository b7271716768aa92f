export type { PrismServer } from "./prism.js";
export { freePort, startPrism } from "./prism.js";
export { examplesOf, specPath } from "./spec.js";
