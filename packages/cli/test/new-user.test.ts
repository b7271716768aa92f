// Rough edges a new user met in a real terminal: `--interval 0` polled without a pause (hundreds of requests
// a second), `opwatch wait -` typed at a prompt sat silent waiting for the keyboard, and every command's help
// described its -h as the program's ("this help; opwatch <command> --help for a command's").
import { describe, expect, it } from "vitest";
import { EXIT, run } from "../src/index.js";
import { BIN, bentleyServer, bt, childEnv, OP, spawnCollect, TOKEN } from "./helpers.js";

const quote = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;

describe("a new user's rough edges", () => {
  it("refuses a zero duration before any request", async () => {
    const server = await bentleyServer([{ status: 200, body: bt.started }]);
    for (const flag of ["--interval", "--min-delay", "--max-delay", "--timeout"]) {
      for (const zero of ["0", "0s", "0ms"]) {
        const err: string[] = [];
        const code = await run(["wait", `${server.url}${OP}`, flag, zero], {
          env: { BENTLEY_TOKEN: TOKEN, BENTLEY_BASE_URL: server.url },
          out: () => undefined,
          err: (line) => err.push(line),
        });
        expect(code, `${flag} ${zero}`).toBe(EXIT.usage);
        expect(err).toHaveLength(2);
        expect(err[0]).toMatch(/^opwatch: .*takes a duration above 0, such as 1m30s, 90s, 2h or 1d$/);
        expect(err[0]).toContain(flag);
        expect(err[1]).toBe("see opwatch wait --help");
      }
    }
    expect(server.requests).toHaveLength(0);
  });

  it("describes each command's -h as its own help", async () => {
    for (const command of ["wait", "get", "ref", "enqueue", "worker", "outcomes", "completion"]) {
      const out: string[] = [];
      expect(await run([command, "--help"], { env: {}, out: (l) => out.push(l), err: () => undefined })).toBe(0);
      expect(out.join("\n"), command).toMatch(/^ {2}-h, --help +show this help$/m);
    }
    const out: string[] = [];
    await run(["--help"], { env: {}, out: (l) => out.push(l), err: () => undefined });
    expect(out.join("\n")).toMatch(/-h, --help +this help; opwatch <command> --help for a/);
  });

  it("says it reads targets from a terminal's standard input, and not from a pipe", async () => {
    const server = await bentleyServer([{ status: 200, body: bt.succeeded }]);
    const env = childEnv({ BENTLEY_TOKEN: TOKEN, BENTLEY_BASE_URL: server.url, CI: "1", TERM: "xterm" });
    const hint = "opwatch: reading targets from standard input, one per line; Ctrl-D ends";
    // Under a pseudo-terminal: the URL typed, then Ctrl-D.
    const typed = await spawnCollect(
      "script",
      ["-qfec", `exec ${[process.execPath, BIN, "wait", "-"].map(quote).join(" ")}`, "/dev/null"],
      env,
      undefined,
      `${server.url}${OP}\n\u0004`,
    );
    expect(typed.code).toBe(EXIT.ok);
    expect(typed.stdout).toContain(hint);
    expect(typed.stdout).toMatch(/bentley \S+ succeeded 100% \(Succeeded\)/);
    const piped = await spawnCollect(process.execPath, [BIN, "wait", "-"], env, undefined, `${server.url}${OP}\n`);
    expect(piped.code).toBe(EXIT.ok);
    expect(piped.stderr).not.toContain("reading targets");
  });
});
