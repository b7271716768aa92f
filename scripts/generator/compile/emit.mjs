// @ts-check
// What every rule kind's emitter shares: the helpers imported from @opwatch/core/internal, the module-level
// constants, and code that reads a JSON pointer of a body.
import { core } from "../../lib/workspace.mjs";

/** The output of the rule kinds of one provider, collected while they emit. */
export class Emit {
  /** @type {Set<string>} helpers imported from @opwatch/core/internal */
  helpers = new Set();
  /** @type {string[]} module-level constants: regular expressions, timestamp readers */
  constants = [];
  /** @type {string[]} functions placed before the provider object */
  functions = [];

  /** A helper of @opwatch/core/internal, imported once. @param {string} name */
  use(name) {
    this.helpers.add(name);
    return name;
  }

  /** A module-level constant, declared once. @param {string} name @param {string} code */
  constant(name, code) {
    if (!this.constants.some((line) => line.startsWith(`const ${name} `)))
      this.constants.push(`const ${name} = ${code};`);
    return name;
  }

  /** Code reading a JSON pointer from `root`, own properties only. @param {string} root @param {string} pointer */
  read(root, pointer) {
    let code = root;
    for (const token of core.pointerTokens(pointer)) code = `${this.use("own")}(${code}, ${q(token)})`;
    return code;
  }

  /** Code reading a pointer's scalar as text. @param {string} root @param {string} pointer */
  text(root, pointer) {
    return `${this.use("textOf")}(${this.read(root, pointer)})`;
  }
}

/** A JSON literal (`undefined` spelled out). @param {unknown} value */
export function q(value) {
  return value === undefined ? "undefined" : JSON.stringify(value);
}

/** Text for a template literal. @param {string} text */
export function esc(text) {
  return text.replace(/[`\\]|\$(?=\{)/g, "\\$&");
}

/** A spec's regular expression as a literal with the `u` flag (refused here when it does not compile). @param {string} pattern */
export function regexLiteral(pattern) {
  new RegExp(pattern, "u");
  return `/${pattern.replace(/\\.|\//g, (m) => (m === "/" ? "\\/" : m)).replace(/\n/g, "\\n")}/u`;
}

/** A constant's name from a parameter's. @param {string} name */
export function constName(name) {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .replace(/[^A-Za-z0-9]+/g, "_")
    .toUpperCase();
}

/** A property key: bare when it is an identifier. @param {string} name */
export function key(name) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? name : q(name);
}

/** A property read: `ids.name` or `ids["x-y"]`. @param {string} object @param {string} name */
export function prop(object, name) {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name) ? `${object}.${name}` : `${object}[${q(name)}]`;
}

const RESERVED = new Set([
  "name",
  "ids",
  "endpoint",
  "value",
  "default",
  "new",
  "class",
  "function",
  "delete",
  "in",
  "var",
]);

/** A local variable for a path parameter: its name in camelCase when that is an identifier, else `v<index>`. @param {string} name @param {number} index */
export function variable(name, index) {
  const camel = name.replace(/[-_]+([a-zA-Z0-9])/g, (_, c) => c.toUpperCase());
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(camel) && !RESERVED.has(camel) ? camel : `v${index}`;
}
