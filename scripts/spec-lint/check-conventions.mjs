// @ts-check
// The conventions of specs/README.md that Redocly cannot see: x-opwatch valid under
// specs/x-opwatch.schema.json, every pointer resolving in each poll endpoint's 200 schema, a named
// example for every mapped status value (and every rule), examples for poll path parameters, a valid
// x-opwatch-status on default error examples; and, as warnings, a description on every schema and property.
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { core, described, testkit } from "../lib/workspace.mjs";
import { escapeToken } from "./poll-scope.mjs";

const { deref } = core;
const schemaFile = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "specs", "x-opwatch.schema.json");

/** @type {ReturnType<ReturnType<typeof testkit.specValidator>["compile"]> | undefined} */
let compiled;
/** The x-opwatch JSON Schema with core's one list of states filled in, read and compiled once. */
function xOpwatchValidator() {
  if (compiled) return compiled;
  const schema = JSON.parse(readFileSync(schemaFile, "utf8"));
  schema.$defs.state = { ...schema.$defs.state, enum: [...core.OPERATION_STATES] };
  compiled = testkit.specValidator(schema).compile(schema);
  return compiled;
}

/**
 * @param {any} document
 * @returns {string[]} one problem per line, each naming the offending key
 */
export function checkConventions(document) {
  /** @type {string[]} */
  const problems = [];
  /** @type {any} x-opwatch, read as its JSON Schema describes it once validated */
  const ext = document["x-opwatch"];
  const validate = xOpwatchValidator();
  if (!validate(document["x-opwatch"])) {
    for (const error of validate.errors ?? []) {
      const extra = /** @type {any} */ (error.params)?.additionalProperty;
      const key = `x-opwatch${error.instancePath}${extra ? `/${extra}` : ""}`;
      problems.push(`${key}: ${extra ? "is not a known key" : error.message}`);
    }
    return problems; // the checks below read x-opwatch as the schema describes it
  }

  const pollOps = ext.poll.map((/** @type {string} */ id) => findGet(document, id));
  /** @type {{ operationId: string, name: string, value: unknown, declared?: string, answer?: string }[]} */
  const examples = [];
  for (const [i, op] of pollOps.entries()) {
    if (!op) {
      problems.push(`x-opwatch/poll/${i}: "${ext.poll[i]}" is not a GET operationId in paths`);
      continue;
    }
    const media = Object.values(deref(document, op.get.responses?.["200"])?.content ?? {})[0];
    const schema200 = media?.schema;
    // A pointer may also resolve in the body of an answer the spec maps to a state (Snowflake's 202 and 422).
    const answered = Object.keys(ext.answers ?? {})
      .map((code) => Object.values(deref(document, op.get.responses?.[code])?.content ?? {})[0]?.schema)
      .filter((schema) => schema !== undefined);
    for (const [where, pointer, inEntry, inObject] of pointersOf(ext)) {
      const baseIn = (/** @type {any} */ schema) =>
        inEntry !== undefined
          ? schemaAt(document, schema, `${inEntry}/0`)
          : inObject !== undefined
            ? schemaAt(document, schema, inObject)
            : schema;
      const base = baseIn(schema200);
      if (inEntry !== undefined && base === undefined) {
        problems.push(`x-opwatch/${where}: "${inEntry}" is not an array in the 200 schema of ${op.get.operationId}`);
      } else if (
        !schemaAt(document, base, pointer) &&
        !answered.some((schema) => schemaAt(document, baseIn(schema), pointer))
      ) {
        const inside =
          inEntry !== undefined
            ? `the entries of ${inEntry} in the 200 schema`
            : inObject !== undefined
              ? `the object at ${inObject} in the 200 schema`
              : "the 200 schema";
        problems.push(`x-opwatch/${where}: "${pointer}" does not resolve in ${inside} of ${op.get.operationId}`);
      }
    }
    const header = ext.status.header;
    if (header !== undefined && !declaresHeader(document, op.get, header)) {
      problems.push(
        `x-opwatch/status/header: no 2xx response of ${op.get.operationId} declares the header "${header}" (add it to the response's headers)`,
      );
    }
    if (Object.keys(isPlainObject(media?.examples) ? media.examples : {}).length === 0) {
      problems.push(
        `x-opwatch/poll/${i}: ${op.get.operationId} has no named example in its 200 response (the contract test reads each poll endpoint through one): add one under content/${Object.keys(deref(document, op.get.responses?.["200"])?.content ?? {})[0] ?? "application/json"}/examples`,
      );
    }
    for (const [name, node] of Object.entries(media?.examples ?? {})) {
      const example = deref(document, node);
      examples.push({
        operationId: op.get.operationId,
        name,
        value: example?.value,
        declared: example?.["x-opwatch-state"],
      });
    }
    // The named examples of an answer the spec maps to a state (Snowflake's 202 and 422) count too.
    for (const [code, answer] of Object.entries(ext.answers ?? {})) {
      const answered = Object.values(deref(document, op.get.responses?.[code])?.content ?? {})[0];
      for (const [name, node] of Object.entries(answered?.examples ?? {})) {
        const example = deref(document, node);
        examples.push({
          operationId: op.get.operationId,
          name: `${code} ${name}`,
          value: example?.value,
          declared: example?.["x-opwatch-state"],
          answer,
        });
      }
    }
    problems.push(...errorStatusProblems(document, op));
    // Path parameters, and the required query parameters (`api-version`) that name the operation with them.
    const named = op.params.filter((/** @type {any} */ p) => p.in === "path" || (p.in === "query" && p.required));
    for (const param of named) {
      const where = `paths/${op.path}/parameters/${param.name}`;
      if (testkit.parameterExampleOrUndefined(param) === undefined)
        problems.push(
          `${where}: a poll ${param.in} parameter needs an example (its schema implies none: a pattern or a format)`,
        );
      const pattern = param.schema?.pattern;
      if (pattern !== undefined && compileProblem(pattern) !== undefined)
        problems.push(`${where}/schema/pattern: ${compileProblem(pattern)}`);
    }
  }

  // Every mapped status value and every rule needs a named example that the normalizer maps through it.
  const hit = new Set();
  for (const example of examples) {
    const mapped = described.stateOf(ext.status, example.value);
    if (mapped.by) hit.add(mapped.by);
    const state = mapped.state === "unknown" && example.answer !== undefined ? example.answer : mapped.state;
    if (example.declared !== undefined && example.declared !== state) {
      problems.push(
        `${example.operationId} example "${example.name}": x-opwatch-state says ${example.declared}, x-opwatch maps it to ${state}`,
      );
    }
  }
  // A status word in a header is documented by the header's schema, not by body examples.
  for (const word of ext.status.header === undefined ? Object.keys(ext.status.map ?? {}) : []) {
    if (!hit.has(`map/${word}`))
      problems.push(`x-opwatch/status/map/${word}: no named 200 example of a poll endpoint has this status`);
  }
  if (ext.status.default !== undefined && ext.status.header === undefined && !hit.has("default"))
    problems.push(
      "x-opwatch/status/default: no named 200 example of a poll endpoint has a status word outside the map (name one in_progress)",
    );
  for (const i of (ext.status.when ?? []).keys()) {
    if (!hit.has(`when/${i}`))
      problems.push(`x-opwatch/status/when/${i}: no named 200 example of a poll endpoint matches this rule first`);
  }

  for (const [i, server] of (Array.isArray(document.servers) ? document.servers : []).entries()) {
    for (const [name, variable] of Object.entries(server?.variables ?? {})) {
      const pattern = /** @type {any} */ (variable)?.["x-pattern"];
      if (pattern !== undefined && compileProblem(pattern) !== undefined)
        problems.push(`servers/${i}/variables/${name}/x-pattern: ${compileProblem(pattern)}`);
    }
  }

  return problems;
}

/**
 * Why a pattern the client checks values against cannot be used, or undefined: it must compile as an
 * ECMAScript regular expression with the `u` flag, as the client compiles it. @param {unknown} pattern
 */
function compileProblem(pattern) {
  if (typeof pattern !== "string") return `must be a string, got ${JSON.stringify(pattern)}`;
  try {
    new RegExp(pattern, "u");
    return undefined;
  } catch (error) {
    return `is not an ECMAScript regular expression the client can compile (${String(/** @type {Error} */ (error).message)}); rewrite it (for example \\_ as _)`;
  }
}

/**
 * `x-opwatch-status` on an error example says which HTTP status a `default` response's example comes with
 * (the contract test asks Prism for it): an integer 400–599, and only where the response has no status of
 * its own. @param {any} document @param {{ path: string, get: any }} op @returns {string[]}
 */
function errorStatusProblems(document, op) {
  /** @type {string[]} */
  const problems = [];
  for (const [code, node] of Object.entries(op.get.responses ?? {})) {
    for (const [media, content] of Object.entries(deref(document, node)?.content ?? {})) {
      for (const [name, exampleNode] of Object.entries(/** @type {any} */ (content)?.examples ?? {})) {
        const status = deref(document, exampleNode)?.["x-opwatch-status"];
        if (status === undefined) continue;
        const where = `paths/${op.path}/get/responses/${code}/content/${media}/examples/${name}/x-opwatch-status`;
        if (code !== "default") problems.push(`${where}: only an example of the default response may say its status`);
        else if (!Number.isInteger(status) || status < 400 || status > 599)
          problems.push(`${where}: must be an HTTP error status (an integer 400–599), got ${JSON.stringify(status)}`);
      }
    }
  }
  return problems;
}

/**
 * Every pointer into the 200 body, with where it sits; a third element names the array whose entries it
 * points into (an `entry` condition's fields, and the failure pointers of its rule), a fourth the object it
 * points into (the failure pointers of a `present: true` rule).
 * @param {any} ext @returns {[string, string, string?, string?][]}
 */
function pointersOf(ext) {
  /** @type {[string, unknown, string?, string?][]} */
  const all = [
    ["id", ext.id],
    ["status/pointer", ext.status.pointer],
    ["progress/pointer", ext.progress?.pointer],
    ["progress/of", ext.progress?.of],
    ["resultUrl", ext.resultUrl],
    ...timestamp("createdAt", ext.createdAt),
    ...timestamp("updatedAt", ext.updatedAt),
    ...failurePointers("failure", ext.failure, undefined),
  ];
  for (const [i, rule] of (ext.status.when ?? []).entries()) {
    const conditions = rule.all
      ? rule.all.map((/** @type {any} */ c, /** @type {number} */ j) => [`all/${j}/`, c])
      : [["", rule]];
    /** @type {string | undefined} */
    let entryArray;
    for (const [at, condition] of conditions) {
      all.push([`status/when/${i}/${at}pointer`, condition.pointer]);
      for (const field of Object.keys(condition.entry ?? {})) {
        // A field name, or a pointer into the entry.
        all.push([
          `status/when/${i}/${at}entry`,
          field.startsWith("/") ? field : `/${escapeToken(field)}`,
          condition.pointer,
        ]);
      }
      if (condition.entry && entryArray === undefined) entryArray = condition.pointer;
    }
    // A rule matched by `present: true` alone reads its failure inside what it found (BigQuery's errorResult).
    const inObject = entryArray === undefined && !rule.all && rule.present === true ? rule.pointer : undefined;
    all.push(...failurePointers(`status/when/${i}/failure`, rule.failure, entryArray, inObject));
  }
  return /** @type {[string, string, string?, string?][]} */ (all.filter(([, pointer]) => typeof pointer === "string"));
}

/** @param {string} where @param {any} value @returns {[string, unknown][]} */
function timestamp(where, value) {
  return [[typeof value === "object" && value !== null ? `${where}/pointer` : where, value?.pointer ?? value]];
}

/**
 * @param {string} where @param {any} failure @param {string | undefined} inEntry the array whose matched entry
 * the pointers read in @param {string} [inObject] the object they read in @returns {[string, unknown, string?, string?][]}
 */
function failurePointers(where, failure, inEntry, inObject) {
  const messages = Array.isArray(failure?.message) ? failure.message : [failure?.message];
  const tail = inEntry === undefined && inObject === undefined ? [] : [inEntry, inObject];
  return [
    [`${where}/code`, failure?.code, ...tail],
    ...messages.map((/** @type {unknown} */ m, /** @type {number} */ i) => [
      Array.isArray(failure?.message) ? `${where}/message/${i}` : `${where}/message`,
      m,
      ...tail,
    ]),
  ];
}

/** Whether a 2xx response of the operation declares `header` (case-insensitively). @param {any} document @param {any} get @param {string} header */
function declaresHeader(document, get, header) {
  return Object.entries(get.responses ?? {}).some(
    ([code, node]) =>
      /^2\d\d$/.test(code) &&
      Object.keys(deref(document, node)?.headers ?? {}).some((name) => name.toLowerCase() === header.toLowerCase()),
  );
}

/** @param {unknown} value @returns {value is Record<string, any>} */
const isPlainObject = (value) => typeof value === "object" && value !== null && !Array.isArray(value);

/** The GET operation with this operationId, its path and its parameters. @param {any} document @param {string} id */
function findGet(document, id) {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (item?.get?.operationId !== id) continue;
    const list = (/** @type {unknown} */ value) => (Array.isArray(value) ? value : []);
    const params = [...list(item.parameters), ...list(item.get.parameters)]
      .map((p) => deref(document, p))
      .filter((p) => p && typeof p === "object" && typeof p.name === "string");
    return { path, get: item.get, params };
  }
  return undefined;
}

/**
 * The sub-schema a JSON pointer names inside `schema` (through properties, additionalProperties, items
 * and the branches of allOf/anyOf/oneOf), or `undefined` when the schema allows nothing there.
 * @param {any} document @param {any} schema @param {string} pointer @returns {any}
 */
export function schemaAt(document, schema, pointer) {
  let current = [deref(document, schema)];
  for (const key of core.pointerTokens(pointer)) {
    /** @type {any[]} */
    const next = [];
    const visit = (/** @type {any} */ node) => {
      const s = deref(document, node);
      if (!s || typeof s !== "object") return;
      for (const branch of [...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? [])]) visit(branch);
      if (s.properties?.[key]) next.push(s.properties[key]);
      else if (s.additionalProperties && typeof s.additionalProperties === "object") next.push(s.additionalProperties);
      if (/^\d+$/.test(key) && s.items) next.push(s.items);
    };
    for (const node of current) visit(node);
    if (next.length === 0) return undefined;
    current = next;
  }
  return current[0];
}

/**
 * Every named schema and every property should have a description (specs/README.md), in the part of the
 * spec opwatch reads. A warning, not a failure: a published spec is used as it ships, and a missing
 * description only leaves a generated type without its doc comment.
 * @param {any} document @param {import("./poll-scope.mjs").PollScope | undefined} scope
 */
export function missingDescriptions(document, scope) {
  /** @type {string[]} */
  const problems = [];
  const walk = (/** @type {any} */ schema, /** @type {string} */ where, /** @type {boolean} */ named) => {
    if (!schema || typeof schema !== "object" || schema.$ref) return;
    if (named && !schema.description) problems.push(`${where}: schema has no description`);
    for (const [name, property] of Object.entries(schema.properties ?? {})) {
      if (property && typeof property === "object" && !property.$ref && !property.description) {
        problems.push(`${where}/properties/${name}: property has no description`);
      }
      walk(property, `${where}/properties/${name}`, false);
    }
    if (schema.items) walk(schema.items, `${where}/items`, false);
    for (const key of ["allOf", "anyOf", "oneOf"]) {
      const branches = Array.isArray(schema[key]) ? schema[key] : [];
      for (const [i, branch] of branches.entries()) walk(branch, `${where}/${key}/${i}`, false);
    }
  };
  for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
    const where = `#/components/schemas/${escapeToken(name)}`;
    if (scope === undefined || scope.has(where)) walk(schema, where, true);
  }
  return problems;
}
