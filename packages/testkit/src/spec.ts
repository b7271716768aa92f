import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deref } from "@opwatch/core";
import { CORE_SCHEMA, load } from "js-yaml";

// src/ and dist/ both sit one level below packages/testkit.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

// biome-ignore lint/suspicious/noExplicitAny: a parsed OpenAPI document.
export type SpecDocument = any;

/** A spec: a provider name (`specs/<name>.yaml` of this repository), a path to a spec file, or its file URL. */
export type SpecSource = string | URL;

/** Absolute path of a spec: `specs/<name>.yaml` for a name; a path ending in `.yaml` or `.json`, or a file URL, as it is. */
export function specPath(name: SpecSource): string {
  if (name instanceof URL) return fileURLToPath(name);
  return /\.(ya?ml|json)$/.test(name) ? name : join(root, "specs", `${name}.yaml`);
}

const cache = new Map<string, SpecDocument>();

export function loadSpecDocument(name: SpecSource): SpecDocument {
  const file = specPath(name);
  let doc = cache.get(file);
  if (!doc) {
    // As the generator reads specs: js-yaml's YAML 1.2 core schema (a 3 MB spec ten times faster than `yaml`).
    doc = load(readFileSync(file, "utf8"), { schema: CORE_SCHEMA, json: true }) as SpecDocument;
    cache.set(file, doc);
  }
  return doc;
}

/** Follows local `$ref`s (`#/components/...`): core's one JSON-pointer follower. */
export { deref };

/** Finds an operation by operationId: its path template and operation object. */
export function findOperation(doc: SpecDocument, operationId: string): { path: string; operation: SpecDocument } {
  for (const [path, item] of Object.entries<SpecDocument>(doc.paths ?? {})) {
    for (const operation of Object.values<SpecDocument>(item)) {
      if (operation?.operationId === operationId) return { path, operation };
    }
  }
  throw new Error(`no operation ${operationId} in the spec`);
}

/**
 * The parameters of an operation found by `findOperation`, `$ref`s followed: the path item's and the
 * operation's together, an operation-level parameter replacing the path item's one of the same name and
 * location (OpenAPI 3.1 §4.8.9.1). `where` keeps only the parameters in that location (`"path"`, `"query"`…).
 */
export function parametersOf(
  doc: SpecDocument,
  found: { path: string; operation: SpecDocument },
  where?: string,
): SpecDocument[] {
  const byKey = new Map<string, SpecDocument>();
  for (const node of [...(doc.paths?.[found.path]?.parameters ?? []), ...(found.operation.parameters ?? [])]) {
    const param = deref(doc, node);
    if (param) byKey.set(`${param.in}:${param.name}`, param);
  }
  const params = [...byKey.values()];
  return where === undefined ? params : params.filter((p) => p.in === where);
}

/**
 * The named examples of a response object (a `$ref` is followed), in spec order: each name with its
 * Example Object, `$ref`s followed (`.value` is the body; extensions such as `x-opwatch-status` are kept).
 * Only the first media type is read: every spec here declares one per response.
 */
export function responseExamples(doc: SpecDocument, response: SpecDocument): [name: string, example: SpecDocument][] {
  const media = Object.values<SpecDocument>(deref(doc, response)?.content ?? {})[0];
  return Object.entries<SpecDocument>(media?.examples ?? {}).map(([name, node]) => [name, deref(doc, node)]);
}

/**
 * The named examples of one response of one operation, straight from the spec, so that tests compare
 * what the client parsed against what the spec says rather than against a copy.
 */
export function examplesOf(name: SpecSource, operationId: string, status: string): Record<string, unknown> {
  const doc = loadSpecDocument(name);
  const response = findOperation(doc, operationId).operation.responses?.[status];
  return Object.fromEntries(responseExamples(doc, response).map(([key, example]) => [key, example.value]));
}
