// @ts-check
// Rule kind: servers. The spec's first server becomes `baseUrl` (a template literal, each variable checked as
// its kind says: closed (enum), open (pattern), or the whole host); every server a regular expression that
// reads a URL back into its base URL (`serverBaseUrls`); and the concrete base URLs they name, as a list.
import { esc, prop, q, variable } from "./emit.mjs";

/** The variable that is a server URL's whole host (`https://{hostname}/api/v3`), if one is. @param {string} url */
const hostVariableOf = (url) => /^(?:[A-Za-z][A-Za-z0-9+.-]*|\{[^}]+\}):\/\/\{([^}]+)\}(?=[:/]|$)/.exec(url)?.[1];

/** @param {import("./emit.mjs").Emit} emit @param {readonly any[]} servers */
export function compileServers(emit, servers) {
  const first = servers[0];
  const example = first?.url ?? "https://api.example.com";
  /** @type {string[]} */
  const lines = [`if (given !== undefined) return ${emit.use("givenBaseUrl")}(name, given, ${q(example)});`];
  if (!first) lines.push(`return ${emit.use("noServer")}(name);`);
  else {
    const host = hostVariableOf(first.url);
    const names = new Map();
    const filled = first.url
      .replace(/\/+$/, "")
      .split(/(\{[^}]+\})/)
      .map((/** @type {string} */ part) => {
        const name = /^\{([^}]+)\}$/.exec(part)?.[1];
        if (name === undefined) return esc(part);
        if (!names.has(name)) names.set(name, variable(name, names.size));
        return `\${${names.get(name)}}`;
      })
      .join("");
    for (const [name, local] of names) {
      const v = first.variables?.[name] ?? {};
      const given = prop("variables", name);
      if (name === host) {
        const args = [q(name), given, q(v.pattern), q(v.examples?.[0] ?? "api.example.com"), q(first.url)];
        lines.push(`const ${local} = ${emit.use("hostVariable")}(name, ${args.join(", ")});`);
        continue;
      }
      const value =
        v.default === undefined
          ? `${given} ?? ${emit.use("noValue")}(name, ${q(name)})`
          : `${given} ?? ${q(v.default)}`;
      lines.push(
        v.enum
          ? `const ${local} = ${emit.use("enumVariable")}(name, ${q(name)}, ${value}, ${q(v.enum)});`
          : `const ${local} = ${emit.use("openVariable")}(name, ${q(name)}, ${value}${v.pattern || v.examples ? `, ${q(v.pattern)}` : ""}${v.examples ? `, ${q(v.examples)}` : ""});`,
      );
    }
    lines.push(`return \`${filled}\`;`);
  }
  const params = first?.variables && Object.keys(first.variables).length > 0 ? "variables" : "_variables";
  emit.functions.push(`/** The base URL requests go to: the baseUrl option, else the spec's first server with its variables. */
function baseUrl(given: string | undefined, ${params}: Readonly<Record<string, string | undefined>>): string {
${lines.map((line) => `  ${line}`).join("\n")}
}`);

  /** @type {string[]} */
  const matchers = [];
  for (const server of servers) {
    if (hostVariableOf(server.url) !== undefined) continue;
    /** @type {string[]} */
    const names = [];
    const source = server.url
      .replace(/\/+$/, "")
      .split(/(\{[^}]+\})/)
      .map((/** @type {string} */ part) => {
        const name = /^\{([^}]+)\}$/.exec(part)?.[1];
        if (name === undefined) return part.replace(/[.*+?^$()|[\]\\{}/]/g, "\\$&");
        names.push(name);
        return "([A-Za-z0-9_-]+)";
      })
      .join("");
    const checks = names.map((name, i) => {
      const v = server.variables?.[name];
      const value = `(m[${i + 1}] as string)`;
      if (v === undefined) return "false";
      if (v.enum) return `${q(v.enum)}.includes(${value})`;
      if (!v.pattern) return `${q([...new Set([v.default, ...(v.examples ?? [])])])}.includes(${value})`;
      return `${emit.use("openValueFits")}(${value}, ${q(v.pattern)})`;
    });
    matchers.push(`  m = (whole ? /^${source}$/ : /^${source}(?=\\/|$)/).exec(url);
  if (m${checks.map((check) => ` && ${check}`).join("")}) found.push(m[0]);`);
  }
  emit.functions.push(`/** The base URLs of the spec's servers that \`url\` sits under (with \`whole\`, that it is). */
function serverBaseUrls(${matchers.length ? "url" : "_url"}: string, ${matchers.length ? "whole" : "_whole"}: boolean): string[] {
  const found: string[] = [];${matchers.length ? "\n  let m: RegExpExecArray | null;\n" : ""}${matchers.join("\n")}
  return found;
}`);
}

/** Every concrete base URL the servers name (each variable over its enum, or default and examples). @param {readonly any[]} servers */
export function knownBaseUrlsOf(servers) {
  /** @type {string[]} */
  const urls = [];
  for (const server of servers) {
    if (hostVariableOf(server.url) !== undefined) continue;
    let partial = [server.url];
    for (const [name, variable] of Object.entries(server.variables ?? {})) {
      const v = /** @type {any} */ (variable);
      const values = v.enum ?? [...new Set([v.default, ...(v.examples ?? [])])];
      partial = partial.flatMap((url) =>
        values.map((/** @type {string} */ value) => url.replaceAll(`{${name}}`, value)),
      );
    }
    urls.push(...partial.map((url) => url.replace(/\/+$/, "")));
  }
  return urls;
}
