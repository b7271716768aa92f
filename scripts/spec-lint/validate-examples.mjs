// @ts-check
// Validates every example in a spec (media types, parameters, headers, schemas) against its schema
// with Ajv's JSON Schema 2020-12 dialect, the dialect OpenAPI 3.1 uses (a 3.0 spec's schemas are read as
// 3.0 means them), then checks the conventions of specs/README.md. Never throws on a spec: an unreadable
// file or a schema Ajv cannot compile (a `pattern` that is no ECMAScript regular expression) is a problem.
import { readDocument, SpecError } from "../generator/spec.mjs";
import { core, testkit } from "../lib/workspace.mjs";
import { checkConventions, missingDescriptions } from "./check-conventions.mjs";
import { escapeToken, pollScope } from "./poll-scope.mjs";

const { deref } = core;

/**
 * @typedef {{ where: string, message: string }} Problem `where` is a JSON pointer (`#/paths/...`) or an
 * x-opwatch key; `message` says what is wrong.
 */

/**
 * @param {string} file
 * @returns {Promise<{ checked: number, problems: string[], reported: string[], warnings?: string[], document: any }>} `problems` in
 * the part of the spec opwatch reads (fatal), `reported` outside it (the rest of a published spec), `warnings`
 * where a description is missing in that part
 */
export async function validateExamples(file) {
  /** @type {any} */
  let document;
  try {
    document = await readDocument(file);
  } catch (error) {
    // The generator's reader: the same refusal (unparsable, Swagger 2.0, a $ref into another file) in both.
    const problem = error instanceof SpecError ? `${error.pointer || "#"}: ${error.problem}` : firstLine(error);
    return { checked: 0, problems: [problem], reported: [], document: undefined };
  }
  const scope = pollScope(document);
  const validator = testkit.specValidator(document);
  /** @type {Problem[]} */
  const found = [];
  let checked = 0;

  const check = (/** @type {string} */ where, /** @type {any} */ schema, /** @type {unknown} */ value) => {
    checked += 1;
    /** @type {string[]} */
    let why;
    try {
      why = validator.problems(schema, value);
    } catch (error) {
      found.push({ where, message: `example not checked: its schema cannot be compiled (${firstLine(error)})` });
      return;
    }
    if (why.length > 0) found.push({ where, message: `example does not match its schema (${why.join("; ")})` });
  };

  /**
   * Walks the document and checks each object that pairs a schema with examples: only where opwatch reads
   * when the spec has x-opwatch (Redocly's example rules already report the rest of a published spec, and
   * compiling every schema of a 3 MB spec twice costs seconds).
   */
  const walk = (/** @type {any} */ node, /** @type {string} */ path) => {
    if (!node || typeof node !== "object") return;
    if (scope !== undefined && !scope.reaches(path)) return;
    if (node.schema && typeof node.schema === "object") {
      if ("example" in node) check(`${path}/example`, node.schema, node.example);
      for (const [name, example] of Object.entries(node.examples ?? {})) {
        const resolved = deref(document, example);
        if (resolved && typeof resolved === "object" && "value" in resolved)
          check(`${path}/examples/${escapeToken(name)}`, node.schema, resolved.value);
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
      if (key !== "examples" && key !== "example") walk(child, `${path}/${escapeToken(key)}`);
    }
  };
  walk(document.paths, "#/paths");
  walk(document.components, "#/components");

  /** @type {string[]} */
  const problems = [];
  /** @type {string[]} */
  const reported = [];
  for (const { where, message } of found) {
    (scope === undefined || scope.has(where) ? problems : reported).push(`${where}: ${message}`);
  }
  problems.push(...checkConventions(document));
  return { checked, problems, reported, warnings: missingDescriptions(document, scope), document };
}

/** @param {unknown} error */
function firstLine(error) {
  return String(error instanceof Error ? error.message : error).split("\n")[0];
}
