import type { StatusDescription } from "./description.js";
import { readPointer } from "./pointer.js";
import { stateOf } from "./status.js";

/**
 * The pointer of the status word a 200's body lacks, or undefined when the body has it (or a `when` rule
 * of the spec decides the state without it). A body with no status where the spec points (`{}`, an
 * array, a number, another API's answer) is most often a wrong base URL, not a slow operation; a status
 * word the spec does not know is not missing (it maps to `unknown`). @internal
 */
export function missingStatusPointer(status: StatusDescription, body: unknown): string | undefined {
  const pointer = status.pointer;
  if (pointer === undefined) return undefined;
  const value = readPointer(body, pointer);
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return undefined;
  if (status.when !== undefined && status.when.length > 0 && stateOf(status, body, undefined).by !== undefined) {
    return undefined;
  }
  return pointer;
}
