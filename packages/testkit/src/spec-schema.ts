import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import type { SpecDocument } from "./spec.js";

// ajv-formats ships CommonJS; under NodeNext its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => void;

/** Validates values against the schemas of one OpenAPI 3.1 document (JSON Schema 2020-12, formats checked). */
export interface SpecValidator {
  /** Compiles a schema of the document (its local `$ref`s resolve into the document), cached by identity. */
  compile(schema: SpecDocument): ValidateFunction;
  /** Problems of `value` under `schema`, one `"<pointer> <message>"` each; empty when valid. */
  problems(schema: SpecDocument, value: unknown): string[];
}

/**
 * The one Ajv set-up of the repository (the spec lint, the scripted servers and the contract tests use it):
 * the document is registered as "spec" and every local ref is pointed at it.
 */
export function specValidator(document: SpecDocument, ajvOptions: { strict?: boolean } = {}): SpecValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, ...ajvOptions });
  addFormats(ajv);
  ajv.addSchema(rebase(document), "spec");
  const compiled = new Map<unknown, ValidateFunction>();
  const compile = (schema: SpecDocument) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(rebase(schema));
      compiled.set(schema, validate);
    }
    return validate;
  };
  return {
    compile,
    problems(schema, value) {
      const validate = compile(schema);
      return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`);
    },
  };
}

/** Points local refs (`#/components/...`) at the document registered as "spec". */
function rebase(node: SpecDocument): SpecDocument {
  if (Array.isArray(node)) return node.map(rebase);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `spec${value}` : rebase(value),
    ]),
  );
}
