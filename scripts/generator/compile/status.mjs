// @ts-check
// Rule kind: the state. `x-opwatch.status.when` rules become `ruleOf(body)` (the first that matches, in
// order: a value equal to a scalar, present or absent, an array entry found by its fields, or all of several),
// the status word's map a `switch` over the trimmed, lower-cased word (`stateOfWord`, with the spec's `default`
// for any other word, and `codeOfWord` when a word carries a failure code). Rules win over the word. The word
// is read from the body, or from the response header the spec names.
import { q } from "./emit.mjs";

/**
 * @param {import("./emit.mjs").Emit} emit @param {any} status `x-opwatch.status` as the description has it
 * @returns {{ lines: string[], code: string | undefined, found: boolean, message?: string, rules: boolean }}
 *   statements that set `rawStatus` and `state` in toStatus; `code` the expression of the decided failure code;
 *   `found` whether a rule may hand over a failure object (`rule?.found`); `message` the expression of a
 *   rule's own failure message.
 */
export function compileStatus(emit, status, answers = {}) {
  const result = compileBodyStatus(emit, status);
  const entries = Object.entries(answers);
  if (entries.length === 0) return result;
  // When the body decides nothing, the HTTP answer's state (Snowflake's 202 running, 422 failed).
  const last = /** @type {string} */ (result.lines.pop());
  const decided = /^const state = (.*);$/.exec(last)?.[1];
  if (decided === undefined) throw new Error(`compileStatus: the body's state is not the last statement: ${last}`);
  result.lines.push(`const state = answerOr(snapshot.httpStatus, ${decided});`);
  const cases = [...groupBy(new Map(entries), (state) => state)].map(
    ([state, codes]) => `${codes.map((code) => `    case ${Number(code)}:`).join("\n")}\n      return ${q(state)};`,
  );
  emit.functions.push(`/** The state an HTTP answer stands for (\`x-opwatch.answers\`) when the body decides none. */
function answerOr(httpStatus: number, state: OperationState): OperationState {
  if (state !== "unknown") return state;
  switch (httpStatus) {
${cases.join("\n")}
    default:
      return state;
  }
}`);
  return result;
}

/** @param {import("./emit.mjs").Emit} emit @param {any} status */
function compileBodyStatus(emit, status) {
  const lines = [
    status.header !== undefined
      ? "const rawStatus = snapshot.statusHeader;"
      : status.pointer === undefined
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
    const other = status.default ?? "unknown";
    emit.functions.push(`/** The state a status word stands for; any other word is \`${other}\`${status.default ? " (the spec's default)" : ""}. */
function stateOfWord(word: string | undefined): OperationState {
${status.default ? '  if (word === undefined) return "unknown";\n' : ""}  switch (word) {
${cases.join("\n")}
    default:
      return ${q(other)};
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
  // A rule's own failure pointers are read in what it matched; without them a present object (Google's
  // `error`) or a matched entry hands itself over as `found`, whose `code` and `message` are the failure's.
  const found = rules.some(
    (/** @type {any} */ rule) => !rule.failure && (rule.present === true || conditionsOf(rule).some((c) => c.entry)),
  );
  const messages = rules.some((/** @type {any} */ rule) => rule.failure?.message !== undefined);
  let usesValue = false;
  let usesEntry = false;
  const branches = rules.map((/** @type {any} */ rule) => {
    /** @type {string[]} */
    const tests = [];
    /** @type {string | undefined} what the rule matched in */
    let at;
    for (const condition of conditionsOf(rule)) {
      const value = emit.read("body", condition.pointer);
      if (condition.entry !== undefined) {
        // The first entry condition's entry is what the rule matched (its failure is read there), as in
        // core's `meets`; a later one only has to be found.
        const find = `${emit.use("findEntry")}(${value}, ${q(condition.entry)})`;
        if (at === "entry") tests.push(`${find} !== undefined`);
        else {
          usesEntry = true;
          tests.push(`(entry = ${find}) !== undefined`);
          at = "entry";
        }
      } else if (condition.present !== undefined) {
        usesValue = true;
        tests.push(
          condition.present
            ? `(value = ${value}) !== undefined && value !== null`
            : `((value = ${value}) === undefined || value === null)`,
        );
        if (condition.present && rule.all === undefined) at ??= "value";
      } else {
        tests.push(
          typeof condition.equals === "string"
            ? `${emit.use("textIs")}(${value}, ${q(condition.equals.toLowerCase())})`
            : `${value} === ${q(condition.equals ?? null)}`,
        );
      }
    }
    const fields = [`state: ${q(rule.state)}`];
    if (rule.failure) {
      const root = at ?? "body";
      const code = rule.code ? q(rule.code) : rule.failure.code ? emit.text(root, rule.failure.code) : undefined;
      if (code) fields.push(`code: ${code}`);
      if (rule.failure.message !== undefined) fields.push(`message: ${messageOf(emit, root, rule.failure.message)}`);
    } else {
      if (rule.code) fields.push(`code: ${q(rule.code)}`);
      if (at) fields.push(`found: ${at}`);
    }
    return `  if (${tests.join(" && ")}) return { ${fields.join(", ")} };`;
  });
  const declares = `${usesValue ? "  let value: unknown;\n" : ""}${usesEntry ? "  let entry: unknown;\n" : ""}`;
  emit.functions.push(`/** What the spec's \`when\` rules decide, in order: the first that matches, else undefined. */
function ruleOf(
  body: unknown,
): { state: OperationState; code?: string | undefined; message?: string | undefined; found?: unknown } | undefined {
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
    message: messages ? "rule?.message" : undefined,
    rules: true,
  };
}

/** A rule's conditions: its `all`, or itself. @param {any} rule @returns {any[]} */
function conditionsOf(rule) {
  return rule.all ?? [rule];
}

/**
 * Code reading a failure message: one pointer's text, or several joined with ": ".
 * @param {import("./emit.mjs").Emit} emit @param {string} root @param {string | string[]} message
 */
export function messageOf(emit, root, message) {
  if (typeof message === "string") return emit.text(root, message);
  return `${emit.use("joinTexts")}([${message.map((pointer) => emit.text(root, pointer)).join(", ")}])`;
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
