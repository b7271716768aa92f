export { type ContractCase, type ContractSubject, contractCases, specContract } from "./contract.js";
export { answering, type Exchange, neverCalled, preferring } from "./fetches.js";
export type { PrismServer } from "./prism.js";
export { freePort, startPrism } from "./prism.js";
export {
  type ErrorCase,
  type ExpectedError,
  expectedError,
  fillPath,
  fillUrl,
  type ProviderTable,
  parameterExample,
  parameterExampleOrUndefined,
  providerTable,
} from "./provider-table.js";
export {
  type RecordedRequest,
  type ScriptedServer,
  type ScriptedServerOptions,
  type ScriptStep,
  startScriptedServer,
} from "./scripted-server.js";
export {
  examplesOf,
  findOperation,
  loadSpecDocument,
  parametersOf,
  responseExamples,
  type SpecSource,
  specPath,
} from "./spec.js";
export { fromOpenApi30, type SpecValidator, specValidator } from "./spec-schema.js";
