import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { deref } from "@opwatch/core";
import { parse } from "yaml";

// src/ and dist/ both sit one level below packages/testkit.
const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

// biome-ignore lint/suspicious/noExplicitAny: a parsed OpenAPI document.
export type SpecDocument = any;

/** Absolute path of `specs/<name>.yaml` (a path ending in `.yaml` is taken as it is). */
export function specPath(name: string): string {
  return name.endsWith(".yaml") ? name : join(root, "specs", `${name}.yaml`);
}

const cache = new Map<string, SpecDocument>();

export function loadSpecDocument(name: string): SpecDocument {
  let doc = cache.get(name);
  if (!doc) {
    doc = parse(readFileSync(specPath(name), "utf8"));
    cache.set(name, doc);
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
 * The named examples of one response of one operation, straight from the spec, so that tests compare
 * what the client parsed against what the spec says rather than against a copy.
 */
export function examplesOf(name: string, operationId: string, status: string): Record<string, unknown> {
  const doc = loadSpecDocument(name);
  const response = deref(doc, findOperation(doc, operationId).operation.responses?.[status]);
  const media = Object.values<SpecDocument>(response?.content ?? {})[0];
  return Object.fromEntries(
    Object.entries<SpecDocument>(media?.examples ?? {}).map(([key, example]) => [key, deref(doc, example).value]),
  );
}
