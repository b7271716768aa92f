// Drives zsh's own completion system through a pseudo-terminal (zsh/zpty) with `opwatch completion zsh`: once
// with the script on $fpath as _opwatch, once sourced. Needs a zsh binary (on PATH, or OPWATCH_TEST_ZSH; a Debian
// zsh unpacked with `dpkg -x` works too), so it is not part of `pnpm test` (CI has only Node): run it with
// `pnpm --filter @opwatch/cli test:zsh`, where it fails, not skips, without one.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "opwatch-zsh-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function script(): Promise<string> {
  const out: string[] = [];
  expect(await run(["completion", "zsh"], { env: {}, out: (l) => out.push(l), err: () => undefined })).toBe(0);
  return out.join("\n");
}
/** A zsh that can load compinit and zpty: its path, and the module path and fpath an unpacked one needs. */
function findZsh(): { bin: string; modulePath: string; fpath: string[] } | undefined {
  const bin = process.env.OPWATCH_TEST_ZSH || "zsh";
  if (spawnSync(bin, ["-fc", "exit 0"]).status !== 0) return undefined;
  const works = (setup: string) =>
    spawnSync(bin, ["-fc", `${setup}zmodload zsh/zpty && autoload -Uz compinit && compinit -u -D`]).status === 0;
  if (works("")) return { bin, modulePath: "", fpath: [] };
  // Unpacked with dpkg -x: <root>/bin/zsh, <root>/usr/lib/<arch>/zsh/<version>, <root>/usr/share/zsh/functions.
  const root = resolve(dirname(bin), "..");
  const lib = join(root, "usr", "lib");
  const arch = existsSync(lib) ? readdirSync(lib).find((d) => existsSync(join(lib, d, "zsh"))) : undefined;
  const versions = arch ? readdirSync(join(lib, arch, "zsh")) : [];
  const modulePath = versions[0] ? join(lib, arch ?? "", "zsh", versions[0]) : "";
  const functions = join(root, "usr", "share", "zsh", "functions");
  const fpath = existsSync(functions)
    ? readdirSync(functions, { recursive: true, withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => join(e.parentPath, e.name))
    : [];
  const setup = `module_path=(${modulePath}); fpath=(${fpath.join(" ")}); `;
  return modulePath && works(setup) ? { bin, modulePath, fpath } : undefined;
}

// Starts an interactive zsh on a pty, types each line plus Tab, and prints what completion offered: the matches
// (with their suffix), their descriptions ("desc:") and messages ("message:"), recorded by a compadd wrapper.
const DRIVER = `
dir=$1 mode=$2; shift 2
out=$dir/offered
[[ -n $ZT_MODULE_PATH ]] && module_path=($ZT_MODULE_PATH $module_path)
zmodload zsh/zpty || exit 2
{
  print -r -- "module_path=($ZT_MODULE_PATH \\$module_path); fpath=($ZT_FPATH \\$fpath)"
  print -r -- "PS1='%% '; RPS1=''"
  [[ $mode == fpath ]] && print -r -- "fpath=($dir/functions \\$fpath)"
  print -r -- "autoload -Uz compinit && compinit -u -D"
  print -r -- "zstyle ':completion:*' format '%d'"
  [[ $mode == source ]] && print -r -- "source <(cat $dir/opwatch.zsh)"
  print -r -- 'compadd() {
    if (( \${@[(I)-[OAD]]} )); then builtin compadd "$@"; return; fi
    local -a hits; local suffix=
    builtin compadd -O hits "$@"
    (( \${@[(I)-S]} )) && suffix=\${@[\${@[(I)-S]}+1]}
    (( \${@[(I)-x]} )) && print -r -- "message:\${@[\${@[(I)-x]}+1]}" >> '$out'
    (( \${@[(I)-d]} )) && print -rl -- "desc:"\${(@P)\${@[\${@[(I)-d]}+1]}} >> '$out'
    local h; for h in $hits; do print -r -- "$h$suffix" >> '$out'; done
    builtin compadd "$@"
  }'
} > $dir/.zshrc
export ZDOTDIR=$dir
zpty z "$ZT_ZSH" -d -i
for line in "$@"; do
  : > $out
  zpty -w -n z "$line"$'\\t'
  zpty -w z $'\\C-a\\C-kprint __d""one__'
  zpty -r z reply '*__done__*' || exit 3
  print -r -- "== $line"
  sort -u $out
done
zpty -d z
`;

/** What zsh offers after each of `lines` (typed, then Tab), by line. */
function completeInZsh(
  zsh: NonNullable<ReturnType<typeof findZsh>>,
  mode: "fpath" | "source",
  text: string,
  lines: string[],
) {
  const home = join(dir, mode);
  mkdirSync(join(home, "functions"), { recursive: true });
  writeFileSync(join(home, "functions", "_opwatch"), `${text}\n`);
  writeFileSync(join(home, "opwatch.zsh"), `${text}\n`);
  writeFileSync(join(dir, "driver.zsh"), DRIVER);
  const result = spawnSync(zsh.bin, ["-f", join(dir, "driver.zsh"), home, mode, ...lines], {
    encoding: "utf8",
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      HOME: home,
      TERM: "xterm",
      ZT_ZSH: zsh.bin,
      ZT_MODULE_PATH: zsh.modulePath,
      ZT_FPATH: zsh.fpath.join(" "),
    },
  });
  expect(result.status, result.stderr).toBe(0);
  const offered = new Map<string, string[]>();
  for (const block of result.stdout.split("== ").slice(1)) {
    const [line = "", ...rest] = block.split("\n");
    offered.set(line, rest.filter(Boolean));
  }
  return (line: string) => offered.get(line) ?? [];
}

describe("opwatch completion zsh in a real zsh", () => {
  const zsh = findZsh();
  it("offers what it should in a real zsh, from $fpath and when sourced", { timeout: 90_000 }, async () => {
    if (!zsh) {
      throw new Error(
        "no zsh that can load compinit and zsh/zpty: put one on PATH or set OPWATCH_TEST_ZSH (a Debian zsh unpacked with `apt-get download zsh zsh-common` and `dpkg -x` works)",
      );
    }
    const text = await script();
    expect(spawnSync(zsh.bin, ["-n", "-f"], { input: text }).status).toBe(0);
    const lines = [
      "opwatch wai",
      "opwatch ",
      "opwatch wait --ti",
      "opwatch wait -q --",
      "opwatch wait --region u",
      "opwatch wait --base-url ",
      "opwatch get --base-url=k",
      "opwatch wait --base-url ecl=",
      "opwatch enqueue --max-delay ",
      "opwatch worker --concurrency ",
      "opwatch completion ",
    ];
    for (const mode of ["fpath", "source"] as const) {
      const offered = completeInZsh(zsh, mode, text, lines);
      expect(offered("opwatch wai"), mode).toEqual([
        "desc:wait   -- poll until the operations are done, showing their progress",
        "desc:waits  -- list the durable waits of DATABASE_URL, oldest first (pending ones",
        "wait",
        "waits",
      ]);
      expect(offered("opwatch ").filter((w) => !w.startsWith("desc:"))).toEqual([
        "cancel",
        "completion",
        "enqueue",
        "get",
        "outcomes",
        "prune",
        "ref",
        "retry",
        "stats",
        "wait",
        "waits",
        "worker",
      ]);
      expect(offered("opwatch wait --ti")).toContain(
        "desc:--timeout  -- give up after this long (e.g. 90s, 1m30s, 2h, 1d)",
      );
      // --quiet given as -q is not offered again.
      expect(offered("opwatch wait -q --")).toContain("--json");
      expect(offered("opwatch wait -q --")).not.toContain("--quiet");
      expect(offered("opwatch wait --region u")).toEqual(["uk1", "us1"]);
      expect(offered("opwatch wait --base-url ")).toEqual(["bentley=", "ecl=", "keycard=", "sourcecraft="]);
      expect(offered("opwatch get --base-url=k")).toEqual(["keycard="]);
      expect(offered("opwatch wait --base-url ecl=")).toEqual(["message:base URL (http://host:port)"]);
      expect(offered("opwatch enqueue --max-delay ")).toEqual(["message:duration (90s, 1m30s, 2h, 1d)"]);
      expect(offered("opwatch worker --concurrency ")).toEqual(["message:number"]);
      expect(offered("opwatch completion ")).toEqual(["bash", "fish", "zsh"]);
    }
  });
});
