// On a narrow terminal each operation keeps one screen line while it is redrawn, cut with "…" (at 40 columns
// each live line used to wrap onto two or three, the block jumping as the lengths changed). The summaries,
// drawn once at the end, stay whole.
import { describe, expect, it } from "vitest";
import { fit } from "../src/display/live.js";
import { EXIT, run } from "../src/index.js";
import { bentleyServer, bt, OP, OP_ID, TOKEN } from "./helpers.js";

// biome-ignore lint/suspicious/noControlCharactersInRegex: terminal escape codes are what is tested
const CODES = /\u001b\[[0-9;?]*[A-Za-z]/g;

/** Waits on two operations with the live display drawn into a recorder of `columns` columns. */
async function drawn(columns: number, env: Record<string, string> = {}) {
  const server = await bentleyServer((i, url) =>
    url.includes("/s2/")
      ? { status: 200, body: i < 6 ? bt.started : bt.succeeded }
      : { status: 200, body: i < 4 ? bt.queued : bt.succeeded },
  );
  const writes: string[] = [];
  const err: string[] = [];
  const code = await run(
    ["wait", `${server.url}${OP}`, `${server.url}/schedules/s2/operations/${OP_ID}`, "--interval", "100ms"],
    {
      env: { BENTLEY_TOKEN: TOKEN, BENTLEY_BASE_URL: server.url, ...env },
      out: (line) => writes.push(`${line}\n`),
      err: (line) => err.push(line),
      terminal: { columns, rows: 24, write: (chunk: string) => writes.push(chunk) > 0 },
    },
  );
  expect(code).toBe(EXIT.ok);
  return writes.map((w) => w.replace(CODES, ""));
}

describe("the live display on a narrow terminal", () => {
  it("keeps each operation on one line of 40 columns, then prints the summaries whole", async () => {
    const frames = await drawn(40);
    const last = frames.pop() ?? "";
    const live = frames.filter((f) => f.includes("bentley"));
    expect(live.length).toBeGreaterThan(2);
    for (const frame of live) {
      const lines = frame.replace(/\n$/, "").split("\n");
      expect(lines.length, frame).toBeLessThanOrEqual(2);
      for (const line of lines) expect([...line].length, line).toBeLessThanOrEqual(39);
    }
    expect(live.filter((f) => f.replace(/\n$/, "").split("\n").length === 2).length).toBeGreaterThan(2);
    // A line cut to the width ends in "…" (the short id's own "…" sits mid-line).
    expect(live.some((f) => /…$/m.test(f))).toBe(true);
    // The end: both summaries, not cut.
    expect(last).toMatch(
      /^✔ bentley bdc8fb5d… succeeded 100% \(Succeeded\) in \S+ \(\d+ requests\)\n✔ bentley bdc8fb5d… succeeded 100% \(Succeeded\) in \S+ \(\d+ requests\)\n$/,
    );
  });

  it("takes the width from COLUMNS when the terminal reports none", async () => {
    const frames = await drawn(0, { COLUMNS: "40" });
    const live = frames.slice(0, -1).filter((f) => f.includes("bentley"));
    expect(live.length).toBeGreaterThan(2);
    for (const frame of live) {
      for (const line of frame.replace(/\n$/, "").split("\n")) expect([...line].length, line).toBeLessThanOrEqual(39);
    }
  });

  it("ignores a COLUMNS that is not a positive whole number", async () => {
    for (const columns of ["-5", "0"]) {
      const live = (await drawn(0, { COLUMNS: columns })).slice(0, -1).filter((f) => f.includes("bentley"));
      expect(live.length, columns).toBeGreaterThan(2);
      for (const frame of live) expect(frame, columns).toMatch(/bentley bdc8fb5d… \w+/);
    }
  });

  it("cuts a coloured line by what shows, keeping its colour codes", () => {
    expect(fit("abcdef", 6)).toBe("abcdef");
    expect(fit("abcdefg", 6)).toBe("abcde…");
    expect(fit("\u001b[1mab\u001b[22mcdefg", 4)).toBe("\u001b[1mab\u001b[22mc…\u001b[0m");
    expect(fit("█░█░█░", 3)).toBe("█░…");
  });
});
