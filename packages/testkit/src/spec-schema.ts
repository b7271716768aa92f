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

/** OpenAPI's own formats, which JSON Schema does not define: accepted as any value of their type. */
const OPENAPI_FORMATS = ["int32", "int64", "float", "double", "byte", "binary", "password"];

/**
 * The one Ajv set-up of the repository (the spec lint, the scripted servers and the contract tests use it):
 * the document is registered as "spec" and every local ref is pointed at it. An OpenAPI 3.0 document's
 * schemas are read as 3.0 means them (`nullable`, boolean `exclusiveMinimum`), in 2020-12 terms.
 */
export function specValidator(document: SpecDocument, ajvOptions: { strict?: boolean } = {}): SpecValidator {
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, logger: false, ...ajvOptions });
  addFormats(ajv);
  for (const format of OPENAPI_FORMATS) ajv.addFormat(format, true);
  const legacy = typeof document?.openapi === "string" && document.openapi.startsWith("3.0");
  const dialect = (node: SpecDocument) => (legacy ? fromOpenApi30(node) : node);
  ajv.addSchema(rebase(dialect(document)), "spec");
  const compiled = new Map<unknown, ValidateFunction>();
  const compile = (schema: SpecDocument) => {
    let validate = compiled.get(schema);
    if (!validate) {
      validate = ajv.compile(rebase(dialect(schema)));
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

/**
 * An OpenAPI 3.0 schema (or document) in JSON Schema 2020-12 terms: `nullable: true` admits null, a boolean
 * `exclusiveMinimum`/`exclusiveMaximum` turns its `minimum`/`maximum` exclusive. Other keys are kept.
 */
export function fromOpenApi30(node: SpecDocument, named = false): SpecDocument {
  if (Array.isArray(node)) return node.map((item) => fromOpenApi30(item));
  if (!node || typeof node !== "object") return node;
  const out: SpecDocument = {};
  for (const [key, value] of Object.entries(node)) {
    // Examples, defaults and enums are data, not schemas: kept as written (unless `key` names a property).
    const data = !named && (key === "example" || key === "examples" || key === "default" || key === "enum");
    out[key] = data ? value : fromOpenApi30(value, key === "properties" || key === "patternProperties");
  }
  for (const [flag, bound] of [
    ["exclusiveMinimum", "minimum"],
    ["exclusiveMaximum", "maximum"],
  ] as const) {
    if (typeof out[flag] !== "boolean") continue;
    if (out[flag] && typeof out[bound] === "number") out[flag] = out[bound];
    else delete out[flag];
    if (typeof out[flag] === "number") delete out[bound];
  }
  if (out.nullable === true) {
    delete out.nullable;
    if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
    if (typeof out.type === "string") return { ...out, type: [out.type, "null"] };
    if (out.type === undefined) return { anyOf: [out, { type: "null" }] };
  }
  return out;
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
