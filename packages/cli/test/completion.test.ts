import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { run } from "../src/index.js";

async function script(shell: string): Promise<string> {
  const out: string[] = [];
  const code = await run(["completion", shell], { env: {}, out: (l) => out.push(l), err: () => undefined });
  expect(code).toBe(0);
  return out.join("\n");
}

/** Asks the bash completion function what it offers after `words` (the last one being completed). */
function complete(bashScript: string, words: string[]): string[] {
  const program = `${bashScript}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})
COMP_CWORD=${words.length - 1}
_opwatch
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const result = spawnSync("bash", ["--norc", "--noprofile", "-c", program], { encoding: "utf8" });
  expect(result.stderr).toBe("");
  return result.stdout.split("\n").filter(Boolean);
}

describe("opwatch completion", () => {
  it("bash completes commands, flags, providers and choices", async () => {
    const bash = await script("bash");
    expect(spawnSync("bash", ["-n"], { input: bash }).status).toBe(0);
    expect(complete(bash, ["opwatch", "wa"])).toEqual(["wait", "waits"]);
    expect(complete(bash, ["opwatch", ""])).toEqual([
      "wait",
      "get",
      "ref",
      "enqueue",
      "worker",
      "outcomes",
      "waits",
      "cancel",
      "retry",
      "prune",
      "stats",
      "completion",
      "--help",
      "--version",
    ]);
    expect(complete(bash, ["opwatch", "wo"])).toEqual(["worker"]);
    expect(complete(bash, ["opwatch", "worker", "--con"])).toEqual(["--concurrency"]);
    expect(complete(bash, ["opwatch", "outcomes", "--f"])).toEqual(["--follow"]);
    expect(complete(bash, ["opwatch", "enqueue", "--max-d"])).toEqual(["--max-delay"]);
    expect(complete(bash, ["opwatch", "wait", "--reg"])).toEqual(["--region"]);
    expect(complete(bash, ["opwatch", "wait", "--min"])).toEqual(["--min-delay"]);
    expect(complete(bash, ["opwatch", "get", "--exit"])).toEqual(["--exit-status"]);
    expect(complete(bash, ["opwatch", "wait", "--region", "u"])).toEqual(["us1", "uk1"]);
    expect(complete(bash, ["opwatch", "wait", "--base-url", "b"])).toEqual(["bentley="]);
    expect(complete(bash, ["opwatch", "completion", "f"])).toEqual(["fish"]);
  });

  // zsh: test/zsh-completion.test.ts

  it("fish lists every command and flag with its description", async () => {
    const fish = await script("fish");
    expect(fish).toContain(
      "complete -c opwatch -n __fish_use_subcommand -a wait -d 'poll until the operations are done, showing their progress'",
    );
    expect(fish).toMatch(
      /complete -c opwatch -n '__fish_seen_subcommand_from wait' -l region -x -a 'jp1 jp2 [^']*us1[^']*'/,
    );
    expect(fish).toContain("complete -c opwatch -n '__fish_seen_subcommand_from get' -l exit-status");
    expect(fish).toContain("complete -c opwatch -n __fish_use_subcommand -a outcomes -d");
    expect(fish).toContain("complete -c opwatch -n '__fish_seen_subcommand_from outcomes' -l after -x");
    expect(fish).toContain("complete -c opwatch -n '__fish_seen_subcommand_from worker' -l concurrency -x");
    expect(fish).toContain("complete -c opwatch -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'");
  });
});

describe("the provider registry", () => {
  it("derives token, base URL and server-variable names from each generated module", async () => {
    const { cliProviders } = await import("../src/index.js");
    expect(cliProviders.map((p) => [p.name, p.tokenVar, p.baseUrlVar])).toEqual([
      ["bentley", "BENTLEY_TOKEN", "BENTLEY_BASE_URL"],
      ["ecl", "ECL_TOKEN", "ECL_BASE_URL"],
      ["keycard", "KEYCARD_TOKEN", "KEYCARD_BASE_URL"],
      ["sourcecraft", "SOURCECRAFT_TOKEN", "SOURCECRAFT_BASE_URL"],
    ]);
    expect(cliProviders.find((p) => p.name === "ecl")?.variables).toEqual([
      expect.objectContaining({ name: "region", flag: "--region", envVar: "ECL_REGION", defaultValue: "jp1" }),
    ]);
  });
});
