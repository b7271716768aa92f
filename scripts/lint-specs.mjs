#!/usr/bin/env node
// @ts-check
// Lints every spec (or the spec files named as arguments): Redocly with redocly.yaml (one process for all
// files), beside it the examples opwatch reads validated against their schemas by a JSON Schema 2020-12
// validator (Prism checks with an older draft; this catches what only 2020-12 sees), then the conventions of
// specs/README.md and what the generator would refuse.
// Strict where opwatch reads: the poll endpoints of x-opwatch, what they reach through $refs, and the top
// level. A problem anywhere else (the rest of a provider's published spec) is reported, not fatal.
// Exit 1 on any problem in scope; `--all` lists every problem outside it too (else a count per rule).
import { spawn, spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSpec, SpecError } from "./generator/spec.mjs";
import { pollScope } from "./spec-lint/poll-scope.mjs";
import { validateExamples } from "./spec-lint/validate-examples.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const listAll = args.includes("--all");
const named = args.filter((arg) => arg !== "--all");
const files = (
  named.length
    ? named
    : readdirSync(join(root, "specs"))
        .filter((name) => name.endsWith(".yaml"))
        .sort()
        .map((name) => join(root, "specs", name))
).map((file) => resolve(file));
const shown = (/** @type {string} */ file) => relative(process.cwd(), file) || file;

// Rules opwatch does not rely on, mostly about how a spec documents itself: in the poll endpoints they are
// warnings, so a provider's spec goes through as it ships (a missing summary leaves a doc comment empty; a
// missing error response leaves errors told apart by HTTP status alone; a schema-level `example` drives
// no contract test, the named examples of the media types do). Everything else in scope is fatal.
const DOCUMENTATION_RULES = new Set([
  "operation-summary",
  "operation-description",
  "operation-operationId-url-safe",
  "operation-tag-defined",
  "operation-singular-tag",
  "tag-description",
  "tags-alphabetical",
  "rule/error-response-declared",
  "operation-4xx-response",
  "no-invalid-schema-examples",
  "no-illogical-composition-keywords",
  "no-required-schema-properties-undefined",
  "nullable-type-sibling",
  "security-scopes-defined",
  "info-contact",
  "info-license",
  "info-license-url",
  "info-license-strict",
  "no-server-trailing-slash",
  // No servers (or only relative ones): every client then needs the baseUrl option, which it asks for.
  "no-empty-servers",
]);

const require = createRequire(import.meta.url);
const redocly = join(dirname(require.resolve("@redocly/cli/package.json")), "bin", "cli.js");
/**
 * @typedef {{ ruleId: string, severity: string, message: string, location?: { source?: { ref?: string }, pointer?: string, start?: { line: number, col: number } }[] }} RedoclyProblem
 */
const redoclyArgs = ["lint", "--config", join(root, "redocly.yaml"), "--format", "json", "--max-problems", "1000000"];
const redoclyEnv = { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" };

/**
 * Redocly over every file in one process (it loads its rules once), started before the example pass so the
 * two run side by side; resolves with each file's problems in order, or undefined when Redocly could not lint
 * one of them (then each file is linted alone, to say which).
 * @param {string[]} all @returns {Promise<RedoclyProblem[][] | undefined>}
 */
function redoclyLintAll(all) {
  return new Promise((done) => {
    const child = spawn(process.execPath, [redocly, ...redoclyArgs, ...all], { env: redoclyEnv });
    /** @type {Buffer[]} */
    const chunks = [];
    child.stdout.on("data", (chunk) => chunks.push(chunk));
    child.stderr.resume();
    child.on("error", () => done(undefined));
    child.on("close", () => {
      // One JSON report per file, back to back (`}{`); JSON strings hold no raw newline, so "\n}" ends one.
      const reports = Buffer.concat(chunks)
        .toString("utf8")
        .trim()
        .split(/(?<=\n\})(?=\{\n)/);
      try {
        const problems = reports.map((report) => JSON.parse(report).problems ?? []);
        done(problems.length === all.length ? problems : undefined);
      } catch {
        done(undefined);
      }
    });
  });
}

/** Redocly's problems in one file, or exits saying why Redocly could not lint it. @param {string} file @returns {RedoclyProblem[]} */
function redoclyLint(file) {
  const lint = spawnSync(process.execPath, [redocly, ...redoclyArgs, file], {
    encoding: "utf8",
    maxBuffer: 256 * 1024 * 1024,
    env: redoclyEnv,
  });
  try {
    return JSON.parse(lint.stdout).problems ?? [];
  } catch {
    // Redocly could not lint at all (a file it cannot parse): what it said is the problem.
    const said = `${lint.stdout}\n${lint.stderr}`.replace(/^.*(║|╔|╚).*\n/gm, "").trim();
    console.error(`lint:specs: Redocly could not lint ${shown(file)}:\n${said}`);
    process.exit(1);
  }
}

let failures = 0;
let checked = 0;
let outside = 0;
const redoclyRun = redoclyLintAll(files);
for (const [index, file] of files.entries()) {
  const result = await validateExamples(file);
  checked += result.checked;
  const scope = result.document && typeof result.document === "object" ? pollScope(result.document) : undefined;
  /** @type {string[]} */
  const fatal = [];
  /** @type {Map<string, string[]>} */
  const reported = new Map();
  const report = (/** @type {string} */ rule, /** @type {string} */ line) => {
    reported.set(rule, [...(reported.get(rule) ?? []), line]);
  };
  // A file that is no readable OpenAPI 3 document: what the reader said is the one problem (Redocly would
  // only say it less clearly).
  const redoclyProblems = result.document === undefined ? [] : ((await redoclyRun)?.[index] ?? redoclyLint(file));
  for (const problem of redoclyProblems) {
    const at = problem.location?.[0];
    const place = at?.start ? `${shown(file)}:${at.start.line}:${at.start.col}` : shown(file);
    const line = `${place} ${problem.severity} ${problem.ruleId}: ${problem.message} (${at?.pointer ?? "#"})`;
    if (scope === undefined || scope.has(at?.pointer ?? "#")) {
      // A whole-document lint (no x-opwatch) stays strict on every rule.
      const documentation = scope !== undefined && DOCUMENTATION_RULES.has(problem.ruleId);
      if (problem.severity === "error" && !documentation) fatal.push(line);
      else console.warn(documentation ? line.replace(" error ", " warning ") : line);
    } else report(problem.ruleId, line);
  }
  fatal.push(...result.problems.map((problem) => `${shown(file)}: ${problem}`));
  // What the generator would refuse (a poll endpoint's security it cannot send, a required header it cannot
  // fill), said now rather than at `pnpm generate`.
  if (fatal.length === 0 && scope !== undefined) {
    try {
      await loadSpec(file);
    } catch (error) {
      fatal.push(
        error instanceof SpecError
          ? `${shown(file)}: ${error.pointer || "#"}: ${error.problem}`
          : `${shown(file)}: the generator cannot read it (${String(error instanceof Error ? error.message : error).split("\n")[0]})`,
      );
    }
  }
  for (const problem of result.reported) report("example-schema", `${shown(file)}: ${problem}`);

  for (const line of fatal) console.error(line);
  failures += fatal.length;
  // A published spec may lack descriptions by the hundred: the first few, then a count (all with --all).
  const undescribed = result.warnings ?? [];
  for (const warning of listAll ? undescribed : undescribed.slice(0, 5)) {
    console.warn(`${shown(file)}: ${warning} (a warning: its generated type goes without a doc comment)`);
  }
  if (!listAll && undescribed.length > 5) {
    console.warn(
      `${shown(file)}: ${undescribed.length - 5} more schema(s) or propert(ies) in the poll scope without a description (warnings). Run with --all to list them.`,
    );
  }
  const count = [...reported.values()].reduce((sum, lines) => sum + lines.length, 0);
  outside += count;
  if (count > 0) {
    const rules = [...reported].map(([rule, lines]) => `${rule} ×${lines.length}`).join(", ");
    console.warn(
      `${shown(file)}: ${count} problem(s) outside the poll endpoints and what they reach, reported, not fatal: ${rules}.${listAll ? "" : " Run with --all to list them."}`,
    );
    if (listAll) for (const lines of reported.values()) for (const line of lines) console.warn(`  ${line}`);
  }
}
if (failures > 0) {
  console.error(
    `lint:specs: failed: ${failures} problem(s) where opwatch reads (the poll endpoints and what they reach).`,
  );
  process.exit(1);
}
console.log(
  `lint:specs: ${files.length} spec(s) clean; ${checked} examples valid under JSON Schema 2020-12${outside ? `; ${outside} problem(s) elsewhere reported` : ""}.`,
);
