// What the docs say of the command line is what the program has: every command in the README's tables,
// every flag the README, the root README and the guides name is a flag of a command, every `opwatch <command>`
// line in their examples uses that command's flags, and the exit-code table lists the exit codes there are.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import { describe, expect, it } from "vitest";
import { EXIT } from "../src/exit-codes.js";
import { buildProgram } from "../src/program.js";

const at = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const readme = readFileSync(at("../README.md"), "utf8");
const guides = at("../../../docs/guides/");
const docs: [string, string][] = [
  ["packages/cli/README.md", readme],
  ["README.md", readFileSync(at("../../../README.md"), "utf8")],
  ...readdirSync(guides).map((file): [string, string] => [`docs/guides/${file}`, readFileSync(guides + file, "utf8")]),
];

const program = buildProgram({ env: {}, out: () => {}, err: () => {} }, async () => {});
const flagsOf = (command: Command): string[] =>
  command.options.flatMap((option) => [option.long, option.short]).filter((flag): flag is string => !!flag);
const commands = new Map(program.commands.map((command) => [command.name(), command]));
const anyFlag = new Set(["--help", "--version", ...flagsOf(program), ...program.commands.flatMap(flagsOf)]);

/** The lines of the fenced shell blocks of `text`, and its inline code that runs opwatch. */
const shellLines = (text: string) => [
  ...[...text.matchAll(/```(?:sh|bash|shell)\n([\s\S]*?)```/g)].flatMap((m) => (m[1] ?? "").split("\n")),
  ...[...text.matchAll(/`((?:npx @opwatch\/cli|pnpm exec opwatch|opwatch) [^`\n]+)`/g)].map((m) => m[1] ?? ""),
];

describe("the CLI's docs", () => {
  it("list every command of the program in the README", () => {
    const listed = new Set([...readme.matchAll(/^\| `(?:opwatch )?([a-z]+)\b/gm)].map((m) => m[1]));
    expect([...commands.keys()].filter((name) => !listed.has(name))).toEqual([]);
  });

  it("name only flags the program has", () => {
    const unknown = docs.flatMap(([file, text]) =>
      [...text.matchAll(/(?<![\w-])(--[a-z][a-z-]*[a-z])\b/g)]
        .map((m) => m[1] ?? "")
        // Not the CLI's flags: npm's, pnpm's and attw's the docs also show, and the typo a suggestion corrects.
        .filter((flag) => !["--frozen-lockfile", "--filter", "--pack", "--tiemout"].includes(flag))
        .filter((flag) => !anyFlag.has(flag))
        .map((flag) => `${file}: ${flag}`),
    );
    expect(unknown).toEqual([]);
  });

  it("use each command's own flags in their opwatch command lines", () => {
    const wrong: string[] = [];
    let lines = 0;
    for (const [file, text] of docs) {
      for (const line of shellLines(text)) {
        const code = line.replace(/\s+#.*$/, "");
        for (const m of code.matchAll(
          /(?:^|[\s;|&(]|\$\()(?:npx @opwatch\/cli|pnpm exec opwatch|opwatch) ([a-z]+)\b([^|;)]*)/g,
        )) {
          const command = commands.get(m[1] ?? "");
          lines += 1;
          if (!command) {
            wrong.push(`${file}: no command ${m[1]} (${line.trim()})`);
            continue;
          }
          const own = new Set([...flagsOf(command), "-h", "--help"]);
          for (const [flag] of (m[2] ?? "").matchAll(/(?<![\w-])--?[a-z][a-z-]*/g)) {
            if (!own.has(flag)) wrong.push(`${file}: ${m[1]} has no ${flag} (${line.trim()})`);
          }
        }
      }
    }
    expect(lines).toBeGreaterThan(30);
    expect(wrong).toEqual([]);
  });

  it("list the exit codes there are", () => {
    const table = readme.slice(readme.indexOf("## Exit codes"));
    const codes = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect(codes.sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });
});
