// @ts-check
// The part of a spec opwatch reads: its poll endpoints (each GET named in x-opwatch.poll, with its path
// item's parameters), everything they reach through local $refs, the security schemes, and the document's
// top level (info, servers, security, x-opwatch). The spec lint is strict there and only reports the rest,
// so a provider's whole published spec can be used as it ships.

/** @param {string} token */
export const escapeToken = (token) => token.replaceAll("~", "~0").replaceAll("/", "~1");

/** @param {string} pointer @returns {string[]} */
const tokensOf = (pointer) =>
  pointer
    .replace(/^#/, "")
    .split("/")
    .slice(1)
    .map((token) => token.replaceAll("~1", "/").replaceAll("~0", "~"));

/**
 * @typedef {{ has(pointer: string): boolean, reaches(pointer: string): boolean, roots: readonly string[] }} PollScope
 * `has` takes a JSON pointer as a URI fragment (`#/paths/~1jobs~1{id}/get/responses`); `reaches` says whether
 * anything at or under the pointer is in scope (`#/paths` is not, but holds the poll endpoints).
 */

/**
 * The poll scope of a document, or undefined when it names no poll endpoints (no x-opwatch): then the
 * whole document is in scope.
 * @param {any} document @returns {PollScope | undefined}
 */
export function pollScope(document) {
  const poll = document?.["x-opwatch"]?.poll;
  if (!Array.isArray(poll)) return undefined;
  /** @type {Set<string>} */
  const roots = new Set();
  /** @type {[string, any][]} */
  const queue = [];
  const add = (/** @type {string} */ pointer, /** @type {any} */ node) => {
    if (roots.has(pointer)) return;
    roots.add(pointer);
    queue.push([pointer, node]);
  };
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!poll.includes(item?.get?.operationId)) continue;
    const base = `#/paths/${escapeToken(path)}`;
    add(`${base}/get`, item.get);
    if (item.parameters) add(`${base}/parameters`, item.parameters);
  }
  for (const name of Object.keys(document.components?.securitySchemes ?? {})) {
    add(`#/components/securitySchemes/${escapeToken(name)}`, document.components.securitySchemes[name]);
  }
  // Every local $ref reached from a root is a root too (iteratively: published specs nest deeply).
  while (queue.length > 0) {
    const [, node] = /** @type {[string, any]} */ (queue.pop());
    /** @type {any[]} */
    const stack = [node];
    while (stack.length > 0) {
      const current = stack.pop();
      if (!current || typeof current !== "object") continue;
      if (typeof current.$ref === "string" && current.$ref.startsWith("#/")) {
        add(current.$ref, resolve(document, current.$ref));
      }
      for (const value of Object.values(current)) if (value && typeof value === "object") stack.push(value);
    }
  }
  const list = [...roots];
  return {
    roots: list,
    has(pointer) {
      // Paths, components and an OpenAPI 3.1 document's webhooks (requests the provider sends, never read
      // by opwatch) are in scope only where the poll endpoints reach; the rest of the top level always is.
      const sections = ["#/paths", "#/components", "#/webhooks"];
      if (!sections.some((section) => pointer === section || pointer.startsWith(`${section}/`))) {
        return true; // the top level: info, servers, security, x-opwatch, tags
      }
      return list.some((root) => pointer === root || pointer.startsWith(`${root}/`));
    },
    reaches(pointer) {
      return this.has(pointer) || list.some((root) => root.startsWith(`${pointer}/`));
    },
  };
}

/** @param {any} document @param {string} pointer */
function resolve(document, pointer) {
  let node = document;
  for (const token of tokensOf(pointer)) {
    if (!node || typeof node !== "object") return undefined;
    node = node[token];
  }
  return node;
}
