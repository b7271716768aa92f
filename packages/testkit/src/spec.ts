import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");

/** Absolute path of `specs/<name>.yaml`. */
export function specPath(name: string): string {
  return join(root, "specs", `${name}.yaml`);
}

/**
 * The named examples of one response of one operation, straight from the spec, so that tests compare
 * what the client parsed against what the spec says rather than against a copy.
 */
export function examplesOf(name: string, operationId: string, status: string): Record<string, unknown> {
  // biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document.
  const doc: any = parse(readFileSync(specPath(name), "utf8"));
  for (const item of Object.values<Record<string, unknown>>(doc.paths)) {
    for (const op of Object.values(item)) {
      // biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document.
      const operation = op as any;
      if (operation?.operationId !== operationId) continue;
      let response = operation.responses?.[status];
      while (response?.$ref) response = resolve(doc, response.$ref);
      const media = Object.values(response?.content ?? {})[0] as { examples?: Record<string, { value: unknown }> };
      return Object.fromEntries(Object.entries(media?.examples ?? {}).map(([k, v]) => [k, v.value]));
    }
  }
  throw new Error(`${name}: no operation ${operationId}`);
}

// biome-ignore lint/suspicious/noExplicitAny: a parsed YAML document.
function resolve(doc: any, ref: string): any {
  return ref
    .slice(2)
    .split("/")
    .reduce((acc, key) => acc?.[key], doc);
}
