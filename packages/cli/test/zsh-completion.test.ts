// `opwatch completion zsh` is a native zsh completion (#compdef, _arguments, _describe). This suite checks the
// script's structure; test/real-shell/zsh-completion.test.ts drives a real zsh with it (`pnpm test:zsh`).
import { describe, expect, it } from "vitest";
import { run } from "../src/index.js";

async function script(): Promise<string> {
  const out: string[] = [];
  expect(await run(["completion", "zsh"], { env: {}, out: (l) => out.push(l), err: () => undefined })).toBe(0);
  return out.join("\n");
}

describe("opwatch completion zsh", () => {
  it("is a native zsh completion, loadable from $fpath and when sourced", async () => {
    const text = await script();
    // Structure: a #compdef file with one _arguments per command, loaded by compdef or autoloaded; no bash layer.
    expect(text.split("\n")[0]).toBe("#compdef opwatch");
    expect(text).not.toMatch(/bashcompinit|COMPREPLY|complete -/);
    expect(text).toContain("_describe -t commands 'opwatch command' commands");
    expect(text).toContain(`if [[ "\${funcstack[1]}" = _opwatch ]]; then`);
    expect(text).toContain("compdef _opwatch opwatch");
    for (const name of ["wait", "get", "ref", "enqueue", "worker", "outcomes", "completion"]) {
      expect(text).toMatch(new RegExp(`\\(${name}\\)\\n\\s+_arguments -s -S`));
    }
    expect(text).toContain("'wait:poll until the operations are done, showing their progress'");
    expect(text).toContain("'(-q --quiet)'{-q,--quiet}'[no live display");
    expect(text).toContain("'--timeout=[give up after this long (e.g. 90s, 1m30s, 2h, 1d)]:duration (90s, 1m30s");
    expect(text).toMatch(/'--region=\[[^\]]*\]:region:\(jp1 jp2 [^)]*us1 uk1/);
    expect(text).toContain(":provider=url:_opwatch_base_url'");
    expect(text).toContain("local -a providers=(bentley ecl keycard sourcecraft)");
    expect(text).toContain("'1:shell:(bash zsh fish)'");
  });
});
