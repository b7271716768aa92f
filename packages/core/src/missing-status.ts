import type { CompiledProvider } from "./compiled.js";
import { readPointer } from "./pointer.js";

/**
 * The pointer of the status word a 200's body lacks, or undefined when the body has it (or a `when` rule
 * of the spec decides the state without it). A body with no status where the spec points (`{}`, an
 * array, a number, another API's answer) is most often a wrong base URL, not a slow operation; a status
 * word the spec does not know is not missing (it maps to `unknown`). @internal
 */
export function missingStatusPointer(provider: CompiledProvider, body: unknown): string | undefined {
  const pointer = provider.description.adapter.status.pointer;
  if (pointer === undefined) return undefined;
  const value = readPointer(body, pointer);
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return undefined;
  return provider.decidedByRule(body) ? undefined : pointer;
}
