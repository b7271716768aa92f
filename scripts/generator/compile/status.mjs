// @ts-check
// Rule kind: the state. `x-opwatch.status.when` rules become `ruleOf(body)` (the first that matches, in
// order), the status word's map a `switch` over the trimmed, lower-cased word (`stateOfWord`, and
// `codeOfWord` when a word carries a failure code). Rules win over the word.
import { q } from "./emit.mjs";

/**
 * @param {import("./emit.mjs").Emit} emit @param {any} status `x-opwatch.status` as the description has it
 * @returns {{ lines: string[], code: string | undefined, found: boolean, rules: boolean }} statements that
 *   set `rawStatus` and `state` in toStatus; `code` the expression of the decided failure code; `found`
 *   whether a `present` rule may hand over a failure object (`rule?.found`).
 */
export function compileStatus(emit, status) {
  const lines = [
    status.pointer === undefined
      ? "const rawStatus: string | undefined = undefined;"
      : `const rawStatus = ${emit.text("body", status.pointer)};`,
  ];
  const rules = status.when ?? [];
  /** @type {Map<string, any>} the first spelling wins, as the lookup lower-cases */
  const words = new Map();
  for (const [word, mapping] of Object.entries(status.map ?? {})) {
    if (!words.has(word.toLowerCase())) words.set(word.toLowerCase(), mapping);
  }
  const codes = [...words].filter(([, mapping]) => typeof mapping === "object" && mapping.code);
  if (words.size > 0) {
    lines.push("const word = rawStatus?.trim().toLowerCase();");
    const known = new Map(
      [...words].filter(([, mapping]) => (typeof mapping === "string" ? mapping : mapping.state) !== "unknown"),
    );
    const cases = [...groupBy(known, (mapping) => (typeof mapping === "string" ? mapping : mapping.state))].map(
      ([state, list]) => `${list.map((word) => `    case ${q(word)}:`).join("\n")}\n      return ${q(state)};`,
    );
    emit.functions.push(`/** The state a status word stands for; any other word is \`unknown\`. */
function stateOfWord(word: string | undefined): OperationState {
  switch (word) {
${cases.join("\n")}
    default:
      return "unknown";
  }
}`);
    if (codes.length > 0) {
      const codeCases = codes.map(([word, mapping]) => `    case ${q(word)}:\n      return ${q(mapping.code)};`);
      emit.functions.push(`/** The failure code a status word stands for. */
function codeOfWord(word: string | undefined): string | undefined {
  switch (word) {
${codeCases.join("\n")}
    default:
      return undefined;
  }
}`);
    }
  }
  const wordState = words.size > 0 ? "stateOfWord(word)" : '"unknown"';
  const wordCode = codes.length > 0 ? "codeOfWord(word)" : undefined;
  if (rules.length === 0) {
    lines.push(`const state = ${wordState};`);
    emit.functions.push("const decidedByRule = (_body: unknown): boolean => false;");
    return { lines, code: wordCode, found: false, rules: false };
  }
  const found = rules.some((/** @type {any} */ rule) => rule.present === true);
  const branches = rules.map((/** @type {any} */ rule) => {
    const value = emit.read("body", rule.pointer);
    const fields = [`state: ${q(rule.state)}`];
    if (rule.code) fields.push(`code: ${q(rule.code)}`);
    if (rule.present !== undefined) {
      if (rule.present) fields.push("found: value");
      return `  value = ${value};
  if (${rule.present ? "value !== undefined && value !== null" : "value === undefined || value === null"}) return { ${fields.join(", ")} };`;
    }
    const test =
      typeof rule.equals === "string"
        ? `${emit.use("textIs")}(${value}, ${q(rule.equals.toLowerCase())})`
        : `${value} === ${q(rule.equals ?? null)}`;
    return `  if (${test}) return { ${fields.join(", ")} };`;
  });
  const declares = rules.some((/** @type {any} */ rule) => rule.present !== undefined) ? "  let value: unknown;\n" : "";
  emit.functions.push(`/** What the spec's \`when\` rules decide, in order: the first that matches, else undefined. */
function ruleOf(body: unknown): { state: OperationState; code?: string; found?: unknown } | undefined {
${declares}${branches.join("\n")}
  return undefined;
}

/** Whether a \`when\` rule decides this body's state (so it needs no status word). */
const decidedByRule = (body: unknown): boolean => ruleOf(body) !== undefined;`);
  lines.push("const rule = ruleOf(body);");
  lines.push(`const state = rule ? rule.state : ${wordState};`);
  return {
    lines,
    code: wordCode ? `(rule ? rule.code : ${wordCode})` : "rule?.code",
    found,
    rules: true,
  };
}

/** @template T @param {Map<string, T>} map @param {(value: T) => string} by */
function groupBy(map, by) {
  /** @type {Map<string, string[]>} */
  const groups = new Map();
  for (const [word, value] of map) {
    const group = by(value);
    groups.set(group, [...(groups.get(group) ?? []), word]);
  }
  return groups;
}
