// @ts-check
// Following local `$ref`s (`#/components/...`) in a parsed OpenAPI document: core's one JSON-pointer
// follower, re-exported for the generator and the spec lint.
import { core } from "./workspace.mjs";

/** Follows `node`'s local `$ref` chain to the object it names. */
export const deref = core.deref;
