// @ts-check
// Validates every example in a spec (media types, parameters, headers, schemas) against its schema
// with Ajv's JSON Schema 2020-12 dialect, the dialect OpenAPI 3.1 uses.
import { readFile } from "node:fs/promises";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormatsModule from "ajv-formats";
import { parse } from "yaml";
import { deref } from "../lib/openapi-ref.mjs";

const addFormats = /** @type {any} */ (addFormatsModule).default ?? addFormatsModule;

/** @param {string} file @returns {Promise<{ checked: number, problems: string[] }>} one problem line per invalid example */
export async function validateExamples(file) {
  const document = parse(await readFile(file, "utf8"));
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  ajv.addSchema(rebase(document), "spec");
  /** @type {string[]} */
  const problems = [];
  let checked = 0;

  const check = (/** @type {string} */ where, /** @type {any} */ schema, /** @type {unknown} */ value) => {
    checked += 1;
    const validate = ajv.compile(rebase(schema));
    if (!validate(value)) {
      const why = (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message}`).join("; ");
      problems.push(`${where}: example does not match its schema (${why})`);
    }
  };

  /** Walks the document and checks each object that pairs a schema with examples. */
  const walk = (/** @type {any} */ node, /** @type {string} */ path) => {
    if (!node || typeof node !== "object") return;
    if (node.schema && typeof node.schema === "object") {
      if ("example" in node) check(`${path}/example`, node.schema, node.example);
      for (const [name, example] of Object.entries(node.examples ?? {})) {
        const resolved = deref(document, example);
        if (resolved && "value" in resolved) check(`${path}/examples/${name}`, node.schema, resolved.value);
      }
    }
    if (
      path.includes("/schemas/") &&
      Array.isArray(node.examples) &&
      (node.type || node.properties || node.anyOf || node.enum)
    ) {
      node.examples.forEach((/** @type {unknown} */ value, /** @type {number} */ i) => {
        check(`${path}/examples/${i}`, node, value);
      });
    }
    for (const [key, child] of Object.entries(node)) {
      if (key !== "examples" && key !== "example") walk(child, `${path}/${key}`);
    }
  };
  walk(document.paths, "#/paths");
  walk(document.components, "#/components");
  return { checked, problems };
}

/** Points local refs (`#/components/...`) at the spec registered as "spec". @param {any} node @returns {any} */
function rebase(node) {
  if (Array.isArray(node)) return node.map(rebase);
  if (!node || typeof node !== "object") return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [
      key,
      key === "$ref" && typeof value === "string" && value.startsWith("#/") ? `spec${value}` : rebase(value),
    ]),
  );
}
