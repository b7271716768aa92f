// @ts-check
// Following local `$ref`s (`#/components/...`) in a parsed OpenAPI document; shared by the generator
// and the spec lint.

/** Follows `node`'s local `$ref` chain to the object it names. @param {any} document @param {any} node @returns {any} */
export function deref(document, node) {
  let current = node;
  while (current && typeof current.$ref === "string") {
    current = current.$ref
      .slice(2)
      .split("/")
      .reduce(
        (/** @type {any} */ acc, /** @type {string} */ key) => acc?.[key.replace(/~1/g, "/").replace(/~0/g, "~")],
        document,
      );
  }
  return current;
}
