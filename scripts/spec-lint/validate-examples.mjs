// @ts-check
// Validates every example in a spec (media types, parameters, headers, schemas) against its schema
// with Ajv's JSON Schema 2020-12 dialect, the dialect OpenAPI 3.1 uses.
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { core, testkit } from "../lib/workspace.mjs";
import { checkConventions } from "./check-conventions.mjs";

const { deref } = core;

/**
 * @param {string} file
 * @returns {Promise<{ checked: number, problems: string[] }>} one problem line per invalid example or broken convention
 */
export async function validateExamples(file) {
  const document = parse(await readFile(file, "utf8"));
  const validator = testkit.specValidator(document);
  /** @type {string[]} */
  const problems = [];
  let checked = 0;

  const check = (/** @type {string} */ where, /** @type {any} */ schema, /** @type {unknown} */ value) => {
    checked += 1;
    const why = validator.problems(schema, value);
    if (why.length > 0) problems.push(`${where}: example does not match its schema (${why.join("; ")})`);
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
  problems.push(...checkConventions(document));
  return { checked, problems };
}
