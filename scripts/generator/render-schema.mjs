// @ts-check
// openapi-typescript types for one spec, with open enums typed as `Known | (string & {})`.

import { pathToFileURL } from "node:url";
import openapiTS, { astToString, oapiRef, STRING, tsIntersection, tsUnion } from "openapi-typescript";
import ts from "typescript";

/** @param {import("./spec.mjs").LoadedSpec} spec */
export async function renderSchemaTypes(spec) {
  const ast = await openapiTS(pathToFileURL(spec.file), {
    transform(schemaObject) {
      const known = openEnumKnownBranch(schemaObject);
      if (!known) return undefined;
      const knownType =
        "$ref" in known
          ? oapiRef(known.$ref)
          : tsUnion(known.enum.map((v) => ts.factory.createLiteralTypeNode(ts.factory.createStringLiteral(v))));
      // `string & {}` keeps the literals visible to autocompletion while any string still type-checks.
      return tsUnion([knownType, tsIntersection([STRING, ts.factory.createTypeLiteralNode([])])]);
    },
  });
  return describeRoots(astToString(ast));
}

/** What openapi-typescript's three top-level interfaces hold, said where the API reference shows them. */
const ROOTS = {
  paths: "The spec's paths: what the client's `GET` (and every other method) takes and returns, by path.",
  components: "The spec's reusable parts (`schemas`, `parameters`, `responses`), as TypeScript types.",
  operations: "The spec's endpoints by operationId: their parameters and answers.",
};

/** `source` with a doc comment on each of `ROOTS` (openapi-typescript writes none). @param {string} source */
function describeRoots(source) {
  let described = source;
  for (const [name, text] of Object.entries(ROOTS)) {
    described = described.replace(new RegExp(`^export interface ${name} \\{`, "m"), `/** ${text} */\n$&`);
  }
  return described;
}

/**
 * The open-enum idiom of specs/README.md: `anyOf: [<enum or $ref to one>, { type: string }]`.
 * @param {any} schema
 * @returns {{ $ref: string } | { enum: string[] } | undefined}
 */
function openEnumKnownBranch(schema) {
  const branches = schema?.anyOf;
  if (!Array.isArray(branches) || branches.length !== 2) return undefined;
  const plain = branches.findIndex((b) => b && b.type === "string" && Object.keys(b).length === 1);
  if (plain === -1) return undefined;
  const other = branches[1 - plain];
  if (typeof other?.$ref === "string") return { $ref: other.$ref };
  if (Array.isArray(other?.enum) && other.enum.every((/** @type {unknown} */ v) => typeof v === "string"))
    return { enum: other.enum };
  return undefined;
}
