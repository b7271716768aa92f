// The parts of an answer read at run time from a description: the status word a 200 lacks, an error body's
// fields. The generated providers have the same as code (`missingStatus`, `errorFields`).
import type { ErrorBodyFields } from "../compiled.js";
import type { ProviderDescription } from "../description.js";
import { readPointer, readString } from "../pointer.js";

/**
 * The pointer of the status word a 200's body lacks, or undefined when the body has it (or a `when` rule
 * of the spec decides the state without it). A body with no status where the spec points (`{}`, an
 * array, a number, another API's answer) is most often a wrong base URL, not a slow operation; a status
 * word the spec does not know is not missing (it maps to `unknown`). @internal
 */
export function missingStatusPointer(
  description: ProviderDescription,
  decidedByRule: (body: unknown) => boolean,
  body: unknown,
): string | undefined {
  const pointer = description.adapter.status.pointer;
  if (pointer === undefined) return undefined;
  const value = readPointer(body, pointer);
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return undefined;
  return decidedByRule(body) ? undefined : pointer;
}

/** What an error body says where the description's `errorBody` points. @internal */
export function errorFieldsOf(description: ProviderDescription, body: unknown): ErrorBodyFields {
  const pointers = description.adapter.errorBody ?? {};
  return {
    code: readString(body, pointers.code),
    message: readString(body, pointers.message),
    requestId: readString(body, pointers.requestId),
  };
}
