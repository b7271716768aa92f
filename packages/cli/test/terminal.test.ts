// The live display, driven in a real pseudo-terminal (util-linux `script`), and its absence when piped.
import { describe, expect, it } from "vitest";
import { EXIT } from "../src/index.js";
import {
  BIN,
  bentleyServer,
  bt,
  btError,
  childEnv,
  ESCAPE,
  inTerminal,
  OP,
  OP_ID,
  spawnCollect,
  TOKEN,
} from "./helpers.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape codes are what is tested
const ERASE_LINE = /\u001b\[2K/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape codes are what is tested
const CURSOR_UP = /\u001b\[\d*A/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape codes are what is tested
const COLOUR = /\u001b\[(3\d|1|2)m/;
const SPINNER = /[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]/;

/** A Bentley operation that reports progress for a few polls, then succeeds (or fails first with 503s). */
async function slowOperation(withRetries = false) {
  return bentleyServer((i) => {
    if (i === 0) return { status: 200, body: bt.queued };
    if (withRetries && i === 1) return { status: 503, body: btError, headers: { "retry-after": "1" } };
    if (i < 4) return { status: 200, body: bt.started };
    return { status: 200, body: bt.succeeded };
  });
}

const env = (url: string, extra: Record<string, string> = {}) => ({
  BENTLEY_TOKEN: TOKEN,
  BENTLEY_BASE_URL: url,
  ...extra,
});

describe("opwatch wait on a terminal", () => {
  it("redraws one line in place: spinner, state, progress bar, elapsed, next poll; then a summary", async () => {
    const server = await slowOperation();
    const result = await inTerminal(["wait", `${server.url}${OP}`, "--interval", "400ms"], env(server.url));
    expect(result.code).toBe(EXIT.ok);
    const drawn = result.stdout;
    expect(drawn).toMatch(ERASE_LINE);
    expect(drawn).toMatch(CURSOR_UP);
    expect(drawn).toMatch(SPINNER);
    expect(drawn).toMatch(COLOUR);
    // The live line, with a progress bar at 43% and the time to the next poll.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape codes are what is tested
    const text = drawn.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
    expect(text).toMatch(/bentley bdc8fb5d… running [█░]{12} 43% \(Started\) · \d+s · next poll in \d+s/);
    expect(text).toMatch(/█{5}░{7} 43%/);
    // Redrawn in place, not printed line after line: the state line appears many times, each erased.
    expect(text.match(/running [█░]{12} 43%/g)?.length ?? 0).toBeGreaterThan(2);
    // The summary line is what stays on the screen at the end.
    expect(text.trimEnd()).toMatch(/✔ bentley bdc8fb5d… succeeded 100% \(Succeeded\) in \d+s \(5 requests\)$/);
  });

  it("draws one line per operation when waiting on several", async () => {
    const server = await bentleyServer((i, url) =>
      url.includes("/s2/")
        ? { status: 200, body: i < 6 ? bt.started : bt.failed }
        : { status: 200, body: i < 4 ? bt.queued : bt.succeeded },
    );
    const second = `${server.url}/schedules/s2/operations/${OP_ID}`;
    const result = await inTerminal(["wait", `${server.url}${OP}`, second, "--interval", "300ms"], env(server.url));
    expect(result.code).toBe(EXIT.failed);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape codes are what is tested
    const text = result.stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
    // A frame holds both lines, one under the other.
    expect(text).toMatch(/bentley bdc8fb5d… queued .*\r?\n.*bentley bdc8fb5d… running /);
    expect(text).toMatch(/✔ bentley bdc8fb5d… succeeded 100%/);
    expect(text).toMatch(/✖ bentley bdc8fb5d… failed 100%/);
  });

  it("shows a retry as it happens: HTTP 503, retrying in 1s", async () => {
    const server = await slowOperation(true);
    const result = await inTerminal(["wait", `${server.url}${OP}`, "--interval", "300ms"], env(server.url));
    expect(result.code).toBe(EXIT.ok);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape codes are what is tested
    const text = result.stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
    expect(text).toMatch(/HTTP 503, retrying in 1s \(Retry-After\)/);
  });

  it("has no colour with NO_COLOR, but still redraws", async () => {
    const server = await slowOperation();
    const result = await inTerminal(
      ["wait", `${server.url}${OP}`, "--interval", "200ms"],
      env(server.url, { NO_COLOR: "1" }),
    );
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout).not.toMatch(COLOUR);
    expect(result.stdout).toMatch(ERASE_LINE);
  });

  it("prints plain timestamped lines in CI and with --quiet, even on a terminal", async () => {
    for (const [args, extra] of [
      [[], { CI: "true" }],
      [["--quiet"], {}],
    ] as const) {
      const server = await slowOperation();
      const result = await inTerminal(
        ["wait", `${server.url}${OP}`, "--interval", "100ms", ...args],
        env(server.url, extra),
      );
      expect(result.code).toBe(EXIT.ok);
      expect(result.stdout).not.toMatch(ESCAPE);
      expect(result.stdout).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ bentley .* succeeded 100% \(Succeeded\) in .*\(5 requests\)\r?$/m,
      );
    }
  });

  it("prints the resume command after the live display when interrupted", async () => {
    const server = await bentleyServer([{ status: 200, body: bt.started }]);
    const result = await inTerminal(
      ["wait", `${server.url}${OP}`, "--timeout", "600ms", "--interval", "100ms"],
      env(server.url),
    );
    expect(result.code).toBe(EXIT.timeout);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape codes are what is tested
    const text = result.stdout.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
    expect(text).toMatch(/◷ bentley bdc8fb5d… timeout \(last: running 43% \(Started\)\)/);
    expect(text).toContain(
      `opwatch: bentley ${OP_ID} not done after 600ms (last: running 43% (Started)); resume with: opwatch wait '{`,
    );
  });
});

describe("opwatch wait piped", () => {
  it("writes no escape codes at all", async () => {
    const server = await slowOperation(true);
    const result = await spawnCollect(
      process.execPath,
      [BIN, "wait", `${server.url}${OP}`, "--interval", "100ms"],
      childEnv({ ...env(server.url), TERM: "xterm-256color" }),
    );
    expect(result.code).toBe(EXIT.ok);
    expect(result.stdout + result.stderr).not.toMatch(ESCAPE);
    const lines = result.stdout.trim().split("\n");
    expect(lines.every((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ bentley /.test(line))).toBe(true);
    expect(lines.some((line) => line.endsWith("HTTP 503, retrying in 1s (Retry-After)"))).toBe(true);
  });
});
