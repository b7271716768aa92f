// @ts-check
// Rule kind: poll endpoint paths. Each path template becomes a template literal (`pathOf`) and a regular
// expression that reads a status URL's path back into the endpoint and its parameters (`matchPath`).
import { esc, key, prop, q } from "./emit.mjs";

/** @param {import("./emit.mjs").Emit} emit @param {Record<string, any>} endpoints */
export function compilePaths(emit, endpoints) {
  const fills = [];
  const matches = [];
  for (const [operationId, endpoint] of Object.entries(endpoints)) {
    const multi = (/** @type {string} */ name) =>
      endpoint.pathParams.some((/** @type {any} */ p) => p.name === name && p.multiSegment);
    const parts = endpoint.path.split(/(\{[^}]+\})/);
    /** @type {string[]} */
    const names = [];
    const filled = parts
      .map((/** @type {string} */ part) => {
        const name = /^\{([^}]+)\}$/.exec(part)?.[1];
        if (name === undefined) return esc(part);
        const value = `${prop("ids", name)} as PathParamValue`;
        return `\${${multi(name) ? `${emit.use("encodeSegments")}(${value})` : `encodeURIComponent(${value})`}}`;
      })
      .join("");
    const source = parts
      .map((/** @type {string} */ part) => {
        const name = /^\{([^}]+)\}$/.exec(part)?.[1];
        if (name === undefined) return part.replace(/[.*+?^$()|[\]\\{}/]/g, "\\$&");
        names.push(name);
        // A multi-segment parameter (Google's `projects/p/operations/o`) spans slashes.
        return multi(name) ? "(.+?)" : "([^/]+)";
      })
      .join("");
    fills.push(`    case ${q(operationId)}:\n      return \`${filled}\`;`);
    const decoded = names.map((name, i) => `${key(name)}: ${emit.use("decodeParam")}(name, ${q(name)}, m[${i + 1}])`);
    matches.push(`  m = /^${source}\\/?$/.exec(path);
  if (m) return { endpoint: ${q(operationId)}, params: { ${decoded.join(", ")} } };`);
  }
  emit.functions.push(`/** A poll endpoint's path with checked ids, each percent-encoded. */
function pathOf(endpoint: string, ids: Readonly<Record<string, PathParamValue>>): string {
  switch (endpoint) {
${fills.join("\n")}
    default:
      return ${emit.use("unknownEndpoint")}(name, endpoint, Object.keys(description.endpoints));
  }
}`);
  emit.functions.push(`/** The poll endpoint a status URL's path (under a base URL) names, with its ids. */
function matchPath(path: string): MatchedPath | undefined {
  let m: RegExpExecArray | null;
${matches.join("\n")}
  return undefined;
}`);
}
