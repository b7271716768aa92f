// A server's strings as the CLI prints them: whatever control characters a status word, a failure code or
// message, an id or an error text holds, nothing reaches the terminal raw, every record stays one line
// (plain, live, --debug, --json), each field is capped, and JSON output still parses to the same text.
import http, { type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import type { OperationStatus, PollEvent } from "opwatch";
import { afterEach, describe, expect, it } from "vitest";
import { LiveDisplay } from "../src/display/live.js";
import { jsonLine, neutralize, printable } from "../src/display/printable.js";
import type { OpView } from "../src/display/types.js";
import { EXIT } from "../src/index.js";
import { bt, fast, OP, OP_ID, runCli, TOKEN } from "./helpers.js";

/** Everything a terminal acts on, or that starts a new line. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is tested
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const EVIL = "\u001b[2J\u001b]0;pwned\u0007\rback\u009b31m\u202eevil\nFORGED bentley x succeeded in 1s\n";

const servers: http.Server[] = [];
afterEach(() => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(answer: (index: number, res: ServerResponse) => void): Promise<string> {
  let index = 0;
  const server = http.createServer((_req, res) => answer(index++, res));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const started = (bt.started as { operation: Record<string, unknown> }).operation;
const operation = (fields: Record<string, unknown>) => ({ operation: { ...started, ...fields } });
const json = (res: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}) =>
  res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));

function expectSafeLines(lines: readonly string[]): void {
  for (const line of lines) {
    expect(line).not.toMatch(RAW_CONTROL);
    expect(line).not.toMatch(/^FORGED/);
    expect(line.length).toBeLessThan(8 * 1024);
  }
}

describe("a server's control characters and sizes, as the CLI prints them", () => {
  it("plain lines: a status word and a failure with controls stay one escaped line each, capped", async () => {
    const url = await serve((i, res) =>
      json(
        res,
        i === 0
          ? operation({ status: `${EVIL}${"W".repeat(600 * 1024)}` })
          : operation({ status: "Failed", subStatus: EVIL, failureDescription: `${EVIL}${"F".repeat(300_000)}` }),
      ),
    );
    const { code, out, err } = await runCli(["wait", `$URL${OP}`, ...fast], { url });
    expect(code).toBe(EXIT.failed);
    expectSafeLines([...out, ...err]);
    expect(out).toHaveLength(2);
    expect(out[0]).toContain("\\u001b[2J\\u001b]0;pwned\\u0007\\u000dback\\u009b31m\\u202eevil\\u000aFORGED");
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^opwatch: bentley /);
  });

  it("--json: each record is one line that parses, with the server's text intact up to the cap", async () => {
    const word = `${EVIL}\u2028x`;
    const url = await serve((i, res) =>
      json(res, i === 0 ? operation({ status: word }) : operation({ status: "Succeeded", percentComplete: 100 })),
    );
    const { code, out } = await runCli(["wait", `$URL${OP}`, "--json", ...fast], { url });
    expect(code).toBe(EXIT.ok);
    expectSafeLines(out);
    const records = out.map((line) => JSON.parse(line) as { type: string; status?: { rawStatus: string } });
    const first = records.find((r) => r.type === "status");
    expect(first?.status?.rawStatus).toBe(word);
  });

  it("get: the line and the JSON record neutralize an id and a status word", async () => {
    const url = await serve((_i, res) => json(res, operation({ id: `${OP_ID}${EVIL}`, status: EVIL })));
    const plain = await runCli(["get", `$URL${OP}`], { url });
    expectSafeLines([...plain.out, ...plain.err]);
    expect(plain.out).toHaveLength(1);
    const asJson = await runCli(["get", `$URL${OP}`, "--json"], { url });
    expectSafeLines(asJson.out);
    expect((JSON.parse(asJson.out[0] as string) as { status: { rawStatus: string } }).status.rawStatus).toBe(EVIL);
  });

  it("an error answer's text with controls, and --debug's lines, stay one escaped line each", async () => {
    const url = await serve((_i, res) =>
      json(res, { code: EVIL, message: `${EVIL}${TOKEN}` }, 404, { "retry-after": "\u009b2J" }),
    );
    const { code, out, err } = await runCli(["get", `$URL${OP}`, "--debug"], { url });
    expect(code).not.toBe(EXIT.ok);
    expectSafeLines([...out, ...err]);
    expect(err.some((line) => line.startsWith("opwatch debug: GET "))).toBe(true);
    expect(err.join("\n")).not.toContain(TOKEN);
  });

  it("a body over the limit names --max-body-bytes' option, and the flag raises it", async () => {
    const big = operation({ status: "Succeeded", percentComplete: 100, failureDescription: "p".repeat(2 << 20) });
    const url = await serve((_i, res) => json(res, big));
    const refused = await runCli(["get", `$URL${OP}`], { url });
    expect(refused.code).not.toBe(EXIT.ok);
    expect(refused.err.join("\n")).toMatch(/maxBodyBytes/);
    const raised = await runCli(["get", `$URL${OP}`, "--max-body-bytes", String(4 << 20)], { url });
    expect(raised.code).toBe(EXIT.ok);
    expect(raised.out[0]).toMatch(/succeeded/);
    const bad = await runCli(["get", `$URL${OP}`, "--max-body-bytes", "0"], { url });
    expect(bad.code).toBe(EXIT.usage);
  });

  it("the live display draws no control character of the server's, and one line per operation", () => {
    const written: string[] = [];
    const stream = { write: (chunk: string) => written.push(chunk) > 0, columns: 100, rows: 24 };
    const lines: string[] = [];
    const display = new LiveDisplay(stream, { out: (l) => lines.push(l), err: (l) => lines.push(l) }, true);
    const ref = { provider: "bentley", endpoint: "getScheduleOperation", params: { id: OP_ID }, baseUrl: "x" };
    const op: OpView = { index: 1, provider: "bentley", id: `${OP_ID}${EVIL}`, ref, startedAt: Date.now() };
    const status = {
      provider: "bentley",
      id: OP_ID,
      ref,
      state: "running",
      done: false,
      rawStatus: `${EVIL}${"W".repeat(100_000)}`,
      progress: 0.5,
      createdAt: undefined,
      updatedAt: undefined,
      error: { code: EVIL, message: EVIL },
      resultUrl: undefined,
      raw: undefined,
    } as OperationStatus;
    display.event(op, { type: "status", at: Date.now(), changed: true, status } as PollEvent);
    display.outcome(op, {
      exitCode: EXIT.failed,
      status: { ...status, state: "failed", done: true },
      result: "failed",
      message: `bentley x ended ${EVIL}`,
      durationMs: 10,
      requests: 1,
    });
    display.close();
    const drawn = written.join("");
    expect(drawn).not.toContain("\u001b[2J");
    expect(drawn).not.toContain("\u001b]");
    for (const char of ["\r", "\u0007", "\u009b", "\u202e"]) expect(drawn).not.toContain(char);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the display's own escape codes are removed
    const text = drawn.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, "");
    for (const line of text.split("\n")) expect(line).not.toMatch(/^FORGED/);
    expectSafeLines(lines);
  });
});

describe("the CLI's printable text", () => {
  it("never holds a control character, stays within its cap, and JSON lines parse back to the same value", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 400 }), fc.integer({ min: 2, max: 300 }), (text, max) => {
        const shown = printable(text, max);
        expect(shown).not.toMatch(RAW_CONTROL);
        expect(neutralize(text)).not.toMatch(RAW_CONTROL);
        // Each character escaped to at most six: the cap bounds the printed length.
        expect(shown.length).toBeLessThanOrEqual(max * 6);
        const line = jsonLine({ text });
        expect(line).not.toMatch(RAW_CONTROL);
        expect(JSON.parse(line)).toEqual({ text });
      }),
      { numRuns: 300, seed: 20261207 },
    );
  }, 30_000); // 300 seeded cases: about a second alone, several on a loaded machine
});
