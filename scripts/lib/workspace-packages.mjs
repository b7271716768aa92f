// @ts-check
// The workspace's packages, found on disk (packages/<name> or packages/<group>/<name>), for the generator, the
// release scripts and tests: API reports, docs, the consumer test, metadata checks.
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** The folder of every generated provider package (the workspace glob `packages/providers/*`). */
export const PROVIDERS_DIR = "packages/providers";

/** Where the generator writes the package of specs/<name>.yaml, relative to the root with `/`. @param {string} name */
export function providerDir(name) {
  return `${PROVIDERS_DIR}/${name}`;
}

/**
 * @typedef {{ name: string, version: string, private?: boolean, [key: string]: any }} PackageJson
 * @typedef {{ dir: string, path: string, json: PackageJson }} WorkspacePackage
 *   dir: relative to the root with `/`; path: absolute
 */

/** Every package under packages/, sorted by folder. @param {string} root @returns {WorkspacePackage[]} */
export function workspacePackages(root) {
  /** @type {WorkspacePackage[]} */
  const found = [];
  /** @param {string} dir @param {number} depth */
  const visit = (dir, depth) => {
    const path = join(root, dir);
    if (existsSync(join(path, "package.json"))) {
      found.push({ dir, path, json: JSON.parse(readFileSync(join(path, "package.json"), "utf8")) });
      return;
    }
    if (depth === 0) return;
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== "node_modules") visit(`${dir}/${entry.name}`, depth - 1);
    }
  };
  visit("packages", 2);
  return found.sort((a, b) => a.dir.localeCompare(b.dir));
}

/** The packages that get published (not `private`). @param {string} root */
export function publicPackages(root) {
  return workspacePackages(root).filter((p) => !p.json.private);
}
