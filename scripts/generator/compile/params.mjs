// @ts-check
// Rule kind: path parameters. Each poll endpoint's parameters become checks written out in full (type,
// length, pattern, uuid format, enum), in `checkParams`; the messages are core's (param-checks.ts).
import { constName, esc, key, prop, q, regexLiteral, variable } from "./emit.mjs";

/** The source of core's `UUID` (the check of `format: uuid`). */
const UUID_PATTERN = "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$";

/**
 * `checkParams(endpoint, ids)`: one case per poll endpoint.
 * @param {import("./emit.mjs").Emit} emit @param {Record<string, any>} endpoints
 */
export function compileParams(emit, endpoints) {
  // Endpoints that take the same parameters share one check (SourceCraft's five operation kinds).
  /** @type {Map<string, { ids: string[], params: any[], query: any[] }>} */
  const groups = new Map();
  for (const [operationId, endpoint] of Object.entries(endpoints)) {
    const signature = JSON.stringify([endpoint.pathParams, endpoint.queryParams ?? []]);
    const group = groups.get(signature) ?? {
      ids: /** @type {string[]} */ ([]),
      params: endpoint.pathParams,
      query: endpoint.queryParams ?? [],
    };
    group.ids.push(operationId);
    groups.set(signature, group);
  }
  const cases = [...groups.values()].map(({ ids, params, query }) => {
    /** @type {string[]} */
    const lines = [];
    const names = [];
    // Required query parameters (`api-version`) first: a body without an id falls back on the last value.
    for (const [index, param] of query.entries()) {
      const v = `q${index}`;
      names.push(`${key(param.name)}: ${v}`);
      lines.push(...paramCheck(emit, param, v, "query"));
    }
    for (const [index, param] of params.entries()) {
      const v = variable(param.name, index);
      names.push(v === param.name ? v : `${key(param.name)}: ${v}`);
      lines.push(...paramCheck(emit, param, v));
    }
    return `${ids.map((id) => `    case ${q(id)}:`).join("\n")} {
${lines.map((line) => `      ${line}`).join("\n")}
      return { ${names.join(", ")} };
    }`;
  });
  emit.functions.push(`/** Checks a poll endpoint's path parameters before any request; numeric ids come back as numbers. */
function checkParams(endpoint: string, ids: Readonly<Record<string, unknown>>): Record<string, PathParamValue> {
  switch (endpoint) {
${cases.join("\n")}
    default:
      return ${emit.use("unknownEndpoint")}(name, endpoint, Object.keys(description.endpoints));
  }
}`);
}

/**
 * The statements that check one parameter and assign its checked value to `v`; a query parameter that is not
 * given takes the spec's default.
 * @param {import("./emit.mjs").Emit} emit @param {any} p @param {string} v @param {"path" | "query"} [kind]
 */
function paramCheck(emit, p, v, kind = "path") {
  const given = prop("ids", p.name);
  const value = kind === "query" && p.default !== undefined ? `(${given} ?? ${q(p.default)})` : given;
  const tail = kind === "query" ? `, "query"` : "";
  const refuse = (/** @type {string} */ cond, /** @type {string} */ why) =>
    `if (${cond}) ${emit.use("refuseParam")}(name, ${q(p.name)}, \`${why}\`${tail});`;
  if (p.type === "integer" || p.type === "number") {
    const lines = [
      `const ${v} = ${emit.use("numberParam")}(name, ${q(p.name)}, ${value}, ${p.type === "integer"}${tail});`,
    ];
    if (p.minimum !== undefined)
      lines.push(refuse(`${v} < ${p.minimum}`, `must be at least ${p.minimum}, got \${${v}}.`));
    if (p.maximum !== undefined)
      lines.push(refuse(`${v} > ${p.maximum}`, `must be at most ${p.maximum}, got \${${v}}.`));
    if (p.enum) {
      lines.push(refuse(`!${q(p.enum)}.includes(${v})`, `must be one of ${esc(p.enum.join(", "))}, got \${${v}}.`));
    }
    return lines;
  }
  // A multi-segment parameter (path only) has its own check, so other specs' apps do not carry it.
  const check = p.multiSegment ? "segmentsParam" : "stringParam";
  const args = [p.minLength, p.maxLength, kind === "query" ? q("query") : undefined].map((n) =>
    n === undefined ? "undefined" : String(n),
  );
  while (args.at(-1) === "undefined") args.pop();
  const lines = [`const ${v} = ${emit.use(check)}(name, ${q(p.name)}, ${value}${args.map((b) => `, ${b}`).join("")});`];
  if (p.format === "uuid") {
    lines.push(
      refuse(
        `!${emit.use("UUID")}.test(${v})`,
        `must be a hyphenated UUID such as 75aab8db-8632-42b4-af2f-06b5820798ef, got \${JSON.stringify(${v})}.`,
      ),
    );
  }
  // A pattern that is the UUID's own (ECL's) adds nothing to the UUID check above.
  if (p.pattern !== undefined && !(p.format === "uuid" && p.pattern === UUID_PATTERN)) {
    const pattern = emit.constant(constName(p.name), regexLiteral(p.pattern));
    lines.push(refuse(`!${pattern}.test(${v})`, `must match ${esc(p.pattern)}, got \${JSON.stringify(${v})}.`));
  }
  if (p.enum) {
    lines.push(
      refuse(`!${q(p.enum)}.includes(${v})`, `must be one of ${esc(p.enum.join(", "))}, got \${JSON.stringify(${v})}.`),
    );
  }
  return lines;
}
