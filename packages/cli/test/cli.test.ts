import { startScriptedServer } from "@opwatch/testkit";
import { describe, expect, it } from "vitest";
import { EXIT, parseDuration, run, worstExitCode } from "../src/index.js";
import { envFlag } from "../src/io.js";
import {
  BIN,
  bentleyServer,
  bt,
  btError,
  childEnv,
  ESCAPE,
  fast,
  OP,
  OP_ID,
  runCli,
  spawnCollect,
  TOKEN,
} from "./helpers.js";

const TS = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ";

describe("opwatch wait, piped", () => {
  it("prints plain timestamped lines, then a summary, and exits 0", async () => {
    const server = await bentleyServer([
      { status: 200, body: bt.queued },
      { status: 200, body: bt.started },
      { status: 200, body: bt.succeeded },
    ]);
    const { code, out, err } = await runCli(["wait", `$URL${OP}`, ...fast], { url: server.url });
    expect(err).toEqual([]);
    expect(out).toHaveLength(3);
    expect(out[0]).toMatch(new RegExp(`^${TS} bentley ${OP_ID} queued 0% \\(Queued\\)$`));
    expect(out[1]).toMatch(new RegExp(`^${TS} bentley ${OP_ID} running 43% \\(Started\\)$`));
    expect(out[2]).toMatch(
      new RegExp(`^${TS} bentley ${OP_ID} succeeded 100% \\(Succeeded\\) in \\d+(ms|s) \\(3 requests\\)$`),
    );
    expect(out.join("\n")).not.toMatch(ESCAPE);
    expect(code).toBe(EXIT.ok);
  });

  it("shows each retry with its HTTP status and delay", async () => {
    const server = await bentleyServer([
      { status: 200, body: bt.queued },
      { status: 503, body: btError },
      { status: 200, body: bt.succeeded },
    ]);
    const { code, out } = await runCli(["wait", `$URL${OP}`, ...fast], { url: server.url });
    expect(out[1]).toMatch(new RegExp(`^${TS} bentley ${OP_ID} HTTP 503, retrying in \\d+ms$`));
    expect(code).toBe(EXIT.ok);
  });

  it("shows the provider's pushback (Retry-After on a good answer) with the next poll", async () => {
    const server = await bentleyServer([
      { status: 200, body: bt.started, headers: { "retry-after": "1" } },
      { status: 200, body: bt.succeeded },
    ]);
    const { code, out } = await runCli(["wait", `$URL${OP}`, ...fast], { url: server.url });
    expect(out[1]).toMatch(new RegExp(`^${TS} bentley ${OP_ID} next poll in 1s \\(Retry-After\\)$`));
    expect(code).toBe(EXIT.ok);
  });

  it("with --quiet prints only the outcome line", async () => {
    const server = await bentleyServer([
      { status: 200, body: bt.queued },
      { status: 200, body: bt.succeeded },
    ]);
    const { code, out } = await runCli(["wait", `$URL${OP}`, "-q", ...fast], { url: server.url });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/succeeded 100% \(Succeeded\) in .* \(2 requests\)$/);
    expect(code).toBe(0);
  });

  it("exits 1 when the operation fails, naming why on stderr", async () => {
    const server = await bentleyServer([{ status: 200, body: bt.failed }]);
    const { code, err } = await runCli(["wait", `$URL${OP}`, ...fast], { url: server.url });
    expect(code).toBe(EXIT.failed);
    expect(err).toEqual([
      `opwatch: bentley ${OP_ID} ended failed 100% (Failed) - Failed: An error occurred whilst processing your request.`,
    ]);
  });

  it("exits 2 on timeout with one line that says how to resume, and the resume command works", async () => {
    const server = await bentleyServer((i) =>
      i < 1 ? { status: 200, body: bt.started } : { status: 200, body: bt.succeeded },
    );
    // The next poll (in 1m) would come after the deadline (1s).
    const first = await runCli(["wait", `$URL${OP}`, "--timeout", "1s", "--interval", "1m"], { url: server.url });
    expect(first.code).toBe(EXIT.timeout);
    expect(first.err).toHaveLength(1);
    expect(first.err[0]).toMatch(
      new RegExp(
        `^opwatch: bentley ${OP_ID} not done after 1s \\(last: running 43% \\(Started\\)\\); resume with: opwatch wait '\\{.*\\}' \\(or raise --timeout\\)$`,
      ),
    );
    expect(first.err[0]).not.toContain("maxWaitMs");
    const ref = /opwatch wait '(\{.*\})'/.exec(first.err[0] ?? "")?.[1] ?? "";
    expect(JSON.parse(ref)).toMatchObject({ provider: "bentley", params: { operationId: OP_ID } });
    const resumed = await runCli(["wait", ref, ...fast], { url: server.url });
    expect(resumed.out.at(-1)).toMatch(/succeeded 100%/);
    expect(resumed.code).toBe(EXIT.ok);
  });

  it("retries a failing server, showing each retry, then gives up after --max-failures in a row (exit 3)", async () => {
    const server = await bentleyServer([{ status: 503, body: btError }]);
    const { code, err, out } = await runCli(["wait", `$URL${OP}`, "--max-failures", "3", ...fast], { url: server.url });
    expect(code).toBe(EXIT.error);
    expect(server.requests).toHaveLength(3);
    expect(out.filter((line) => / HTTP 503, retrying in \d+ms$/.test(line))).toHaveLength(2);
    expect(err).toEqual([
      expect.stringMatching(
        new RegExp(
          `^opwatch: bentley ${OP_ID}: gave up after 3 failures in a row \\(last: HTTP 503\\b.*\\); raise --max-failures to keep trying$`,
        ),
      ),
    ]);
    expect(err[0]).not.toContain("maxConsecutiveFailures");
  });

  it("stops on the caller's signal with 130 (SIGINT) or 143 (SIGTERM), printing how to resume", async () => {
    for (const [reason, exit] of [
      ["SIGINT", EXIT.sigint],
      ["SIGTERM", EXIT.sigterm],
    ] as const) {
      const server = await bentleyServer([{ status: 200, body: bt.started }]);
      const controller = new AbortController();
      const ran = runCli(["wait", `$URL${OP}`, "--min-delay", "50ms", "--max-delay", "50ms"], {
        url: server.url,
        signal: controller.signal,
      });
      while (server.requests.length < 2) await new Promise((r) => setTimeout(r, 10));
      controller.abort(reason);
      const { code, err } = await ran;
      expect(code).toBe(exit);
      expect(err[0]).toMatch(
        new RegExp(
          `^opwatch: bentley ${OP_ID} (interrupted|terminated) \\(${reason}\\) while running 43% \\(Started\\); resume with: opwatch wait '\\{.*\\}'$`,
        ),
      );
    }
  });
});

describe("opwatch wait --json", () => {
  it("prints NDJSON events with a type and a time, ending with one outcome per operation", async () => {
    const server = await bentleyServer([
      { status: 200, body: bt.queued },
      { status: 503, body: btError, headers: { "retry-after": "0" } },
      { status: 200, body: bt.succeeded },
    ]);
    const { code, out, err } = await runCli(["wait", `$URL${OP}`, "--json", ...fast], { url: server.url });
    expect(err).toEqual([]);
    const events = out.map((line) => JSON.parse(line));
    for (const event of events) {
      expect(typeof event.type).toBe("string");
      expect(Number.isNaN(Date.parse(event.time))).toBe(false);
    }
    const types = events.map((e) => e.type);
    expect(types).toContain("status");
    expect(types).toContain("retry");
    expect(types).toContain("done");
    expect(types.at(-1)).toBe("outcome");
    expect(events.find((e) => e.type === "retry")).toMatchObject({ error: { name: "ServerError", httpStatus: 503 } });
    expect(events.at(-1)).toMatchObject({
      type: "outcome",
      op: 1,
      provider: "bentley",
      id: OP_ID,
      state: "succeeded",
      exitCode: 0,
      requests: 3,
      ref: { provider: "bentley", params: { operationId: OP_ID } },
    });
    expect(code).toBe(0);
  });

  it("reports errors as JSON too, usage errors included", async () => {
    const server = await bentleyServer([{ status: 200, body: bt.succeeded }]);
    const missing = await runCli(["wait", `$URL${OP}`, "--json"], {
      url: server.url,
      env: { BENTLEY_BASE_URL: server.url },
    });
    expect(missing.code).toBe(EXIT.auth);
    expect(missing.err).toEqual([]);
    const records = missing.out.map((line) => JSON.parse(line));
    // Nothing was sent, so nothing says a request was: no request event, and the outcome counts none.
    expect(records.map((r) => r.type)).toEqual(["error", "outcome"]);
    expect(records.at(-2)).toMatchObject({
      error: { name: "AuthError" },
      message: expect.stringContaining("set BENTLEY_TOKEN"),
    });
    expect(records.at(-1)).toMatchObject({ type: "outcome", requests: 0, exitCode: EXIT.auth });
    expect(server.requests).toHaveLength(0);

    const usage = await runCli(["wait", "x", "--json", "--timeout", "soon"]);
    expect(usage.code).toBe(EXIT.usage);
    expect(JSON.parse(usage.out[0] ?? "{}")).toMatchObject({
      type: "error",
      exitCode: 64,
      error: { name: "UsageError" },
    });

    // Whatever else fails (here: reading stdin) is one error record as well.
    const out: string[] = [];
    const err: string[] = [];
    const stdin = async (): Promise<string> => {
      throw new Error("stdin is closed");
    };
    const code = await run(["wait", "-", "--json"], {
      env: {},
      out: (l) => out.push(l),
      err: (l) => err.push(l),
      stdin,
    });
    expect(code).toBe(EXIT.error);
    expect(err).toEqual([]);
    expect(out.map((line) => JSON.parse(line))).toEqual([
      {
        type: "error",
        time: expect.any(String),
        exitCode: EXIT.error,
        message: "stdin is closed",
        error: { name: "Error", message: "stdin is closed" },
      },
    ]);
  });
});

describe("several operations", () => {
  it("waits on all of them at once; the exit code is the worst outcome", async () => {
    const server = await bentleyServer((_i, url) => ({
      status: 200,
      body: url.includes("/s2/") ? bt.failed : bt.succeeded,
    }));
    const second = JSON.stringify({
      provider: "bentley",
      endpoint: "getScheduleOperation",
      params: { scheduleId: "s2", operationId: OP_ID },
      baseUrl: "https://api.bentley.com",
    });
    const { code, out } = await runCli(["wait", `$URL${OP}`, second, ...fast, "--json"], { url: server.url });
    expect(code).toBe(EXIT.failed);
    const outcomes = out.map((l) => JSON.parse(l)).filter((e) => e.type === "outcome");
    expect(outcomes.map((o) => [o.op, o.state, o.exitCode]).sort()).toEqual([
      [1, "succeeded", 0],
      [2, "failed", 1],
    ]);
    // The production ref was rerouted to the configured base URL (BENTLEY_BASE_URL).
    expect(server.requests.map((r) => r.url).sort()).toEqual([OP, `/schedules/s2/operations/${OP_ID}`]);
  });

  it("reads one target per line from stdin for -", async () => {
    const server = await bentleyServer([{ status: 200, body: bt.succeeded }]);
    const stdin = `# operations\n${server.url}${OP}\n\n${server.url}/schedules/s2/operations/${OP_ID}\n`;
    const { code, out } = await runCli(["wait", "-", "-q", ...fast], { url: server.url, stdin });
    expect(out).toHaveLength(2);
    expect(out.every((line) => /succeeded 100%/.test(line))).toBe(true);
    expect(server.requests.map((r) => r.url).sort()).toEqual([OP, `/schedules/s2/operations/${OP_ID}`].sort());
    expect(code).toBe(0);
  });

  it("checks every target before the first request", async () => {
    const server = await bentleyServer([{ status: 200, body: bt.succeeded }]);
    const { code, err } = await runCli(["wait", `$URL${OP}`, "https://example.org/x", ...fast], { url: server.url });
    expect(code).toBe(EXIT.usage);
    expect(err[0]).toContain('"https://example.org/x" is not a status URL of bentley, ecl, keycard, sourcecraft');
    expect(err[0]).toContain("--base-url");
    expect(server.requests).toHaveLength(0);
  });

  it("ranks outcomes: signals, usage, auth, not found, server, timeout, failed, ok", () => {
    expect(worstExitCode([])).toBe(0);
    expect(worstExitCode([0, 1, 2])).toBe(2);
    expect(worstExitCode([2, 3, 1])).toBe(3);
    expect(worstExitCode([3, 5])).toBe(5);
    expect(worstExitCode([5, 4])).toBe(4);
    expect(worstExitCode([4, 130, 64])).toBe(130);
    expect(worstExitCode([130, 143])).toBe(143);
  });
});

describe("on/off environment variables (CI, OPWATCH_DEBUG)", () => {
  it("are off when unset, empty, 0 or false in any case, and on otherwise", () => {
    for (const off of [undefined, "", "0", "false", "FALSE", "False"]) {
      expect(envFlag({ OPWATCH_DEBUG: off }, "OPWATCH_DEBUG"), String(off)).toBe(false);
    }
    for (const on of ["1", "true", "yes", "TRUE"]) expect(envFlag({ CI: on }, "CI"), on).toBe(true);
  });
});

describe("exit codes of errors", () => {
  it("4 for a missing token (no request sent) and for 401; 5 for 404; 3 for a server error on get", async () => {
    const server = await bentleyServer([{ status: 200, body: bt.succeeded }]);
    const missing = await runCli(["wait", `$URL${OP}`], { url: server.url, env: { BENTLEY_BASE_URL: server.url } });
    expect(missing.code).toBe(EXIT.auth);
    expect(missing.err.join("\n")).toContain("set BENTLEY_TOKEN");
    expect(missing.out.join("\n")).toMatch(/ error in \S+ \(0 requests\)$/m);
    expect(server.requests).toHaveLength(0);

    const getMissing = await runCli(["get", `$URL${OP}`, "--json"], {
      url: server.url,
      env: { BENTLEY_BASE_URL: server.url },
    });
    expect(getMissing.code).toBe(EXIT.auth);
    expect(JSON.parse(getMissing.out[0] ?? "{}")).toMatchObject({ type: "error", error: { name: "AuthError" } });
    expect(server.requests).toHaveLength(0);

    const denied = await bentleyServer([
      {
        status: 401,
        body: (await import("@opwatch/testkit")).examplesOf("bentley", "getScheduleOperation", "401").HeaderNotFound,
      },
    ]);
    const auth = await runCli(["get", `$URL${OP}`], { url: denied.url });
    expect(auth.code).toBe(EXIT.auth);
    expect(auth.err[0]).toMatch(/answered 401.*; check BENTLEY_TOKEN/);
    expect([...auth.out, ...auth.err].join("\n")).not.toContain(TOKEN);

    const gone = await bentleyServer([
      {
        status: 404,
        body: (await import("@opwatch/testkit")).examplesOf("bentley", "getScheduleOperation", "404").OperationNotFound,
      },
    ]);
    const notFound = await runCli(["wait", `$URL${OP}`], { url: gone.url });
    expect(notFound.code).toBe(EXIT.notFound);
    expect(notFound.err[0]).toContain("--base-url bentley=<url> or BENTLEY_BASE_URL");
    expect(notFound.err[0]).not.toContain("baseUrl");

    const failing = await bentleyServer([{ status: 500, body: btError }]);
    expect((await runCli(["get", `$URL${OP}`], { url: failing.url })).code).toBe(EXIT.error);
  });

  it("3 for a network error on get, naming --base-url", async () => {
    const server = await startScriptedServer("bentley", {
      operationId: "getScheduleOperation",
      script: [{ status: 200, body: bt.succeeded }],
    });
    const url = server.url;
    await server.stop();
    const { code, err } = await runCli(["get", `$URL${OP}`], { url });
    expect(code).toBe(EXIT.error);
    expect(err[0]).toContain("check the network and the base URL (--base-url bentley=<url> or BENTLEY_BASE_URL)");
  });
});

describe("opwatch get", () => {
  it("prints the status once; --exit-status makes a failed operation exit 1", async () => {
    const server = await bentleyServer([{ status: 200, body: bt.failed }]);
    const plain = await runCli(["get", `$URL${OP}`], { url: server.url });
    expect(plain.out).toEqual([
      `bentley ${OP_ID} failed 100% (Failed) - Failed: An error occurred whilst processing your request.`,
    ]);
    expect(plain.code).toBe(EXIT.ok);
    expect((await runCli(["get", `$URL${OP}`, "--exit-status"], { url: server.url })).code).toBe(EXIT.failed);
    const json = await runCli(["get", `$URL${OP}`, "--json"], { url: server.url });
    expect(JSON.parse(json.out[0] ?? "{}")).toMatchObject({ type: "status", status: { state: "failed", done: true } });
  });

  it("resumes from a ref printed by `opwatch ref`", async () => {
    const server = await bentleyServer([{ status: 200, body: bt.succeeded }]);
    const first = await runCli(["ref", `$URL${OP}`], { url: server.url });
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out[0] ?? "{}")).toMatchObject({
      provider: "bentley",
      params: { scheduleId: "s1", operationId: OP_ID },
    });
    const got = await runCli(["get", first.out[0] ?? "", "--json"], { url: server.url });
    expect(got.code).toBe(0);
    expect(JSON.parse(got.out[0] ?? "{}").status.state).toBe("succeeded");
  });
});

describe("--base-url", () => {
  const production = `https://api.bentley.com${OP}`;
  const answering = (seen: string[]) =>
    (async (input: RequestInfo | URL) => {
      seen.push(input instanceof Request ? input.url : String(input));
      return new Response(JSON.stringify(bt.succeeded), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    }) as typeof fetch;

  it("reroutes a production status URL to the given base, keeping its path", async () => {
    const seen: string[] = [];
    const { code } = await runCli(["get", production, "--base-url", "bentley=http://proxy.test/bentley/"], {
      env: { BENTLEY_TOKEN: TOKEN },
      fetch: answering(seen),
    });
    expect(code).toBe(0);
    expect(seen).toEqual([`http://proxy.test/bentley${OP}`]);
  });

  it("also from BENTLEY_BASE_URL; the ref printed names the base URL polled, never production", async () => {
    const ways: { env: Record<string, string>; args: string[] }[] = [
      { env: { BENTLEY_BASE_URL: "http://proxy.test" }, args: [] },
      { env: {}, args: ["--base-url", "bentley=http://proxy.test"] },
    ];
    for (const given of ways) {
      const seen: string[] = [];
      const ref = await runCli(["ref", production, ...given.args], { env: given.env });
      expect(JSON.parse(ref.out[0] ?? "{}").baseUrl).toBe("http://proxy.test");
      const { code } = await runCli(["get", ref.out[0] ?? "", ...given.args], {
        env: { BENTLEY_TOKEN: TOKEN, ...given.env },
        fetch: answering(seen),
      });
      expect(code).toBe(0);
      expect(seen).toEqual([`http://proxy.test${OP}`]);
      // Used later without the base URL, the ref is refused before any request: the token stays home.
      const later: string[] = [];
      const alone = await runCli(["get", ref.out[0] ?? ""], { env: { BENTLEY_TOKEN: TOKEN }, fetch: answering(later) });
      expect(alone.code).not.toBe(0);
      expect(later).toEqual([]);
    }
  });

  it("wait --json names one ref per operation, the one polled, in every record", async () => {
    const server = await bentleyServer([
      { status: 200, body: bt.queued },
      { status: 200, body: bt.succeeded },
    ]);
    const { code, out } = await runCli(["wait", production, ...fast, "--json", "--base-url", `bentley=${server.url}`], {
      env: { BENTLEY_TOKEN: TOKEN },
    });
    expect(code).toBe(0);
    const baseUrls = new Set<string>();
    const collect = (value: unknown): void => {
      if (value === null || typeof value !== "object") return;
      const record = value as Record<string, unknown>;
      if (typeof record.baseUrl === "string" && "params" in record) baseUrls.add(record.baseUrl);
      for (const inner of Object.values(record)) collect(inner);
    };
    for (const line of out) collect(JSON.parse(line));
    expect([...baseUrls]).toEqual([server.url]);
  });

  it("rejects a malformed value with one line", async () => {
    for (const value of ["x", "nope=http://a.test", "bentley=ftp://a"]) {
      const { code, err } = await runCli(["wait", production, "--base-url", value]);
      expect(code).toBe(EXIT.usage);
      expect(err).toHaveLength(2);
      expect(err[1]).toBe("see opwatch wait --help");
    }
  });
});

describe("--debug", () => {
  it("prints one line per request on stderr: method, URL, status, ms, retry-after; never the token", async () => {
    const server = await bentleyServer([
      { status: 503, body: btError, headers: { "retry-after": "0" } },
      { status: 200, body: bt.succeeded },
    ]);
    for (const [args, env] of [
      [["--debug"], {}],
      [[], { OPWATCH_DEBUG: "1" }],
    ] as const) {
      const before = server.requests.length;
      const { code, err, out } = await runCli(["wait", `$URL${OP}`, ...args, ...fast], {
        url: server.url,
        env: { BENTLEY_TOKEN: TOKEN, BENTLEY_BASE_URL: server.url, ...env },
      });
      expect(code).toBe(0);
      const lines = err.filter((l) => l.startsWith("opwatch debug: "));
      expect(lines).toHaveLength(server.requests.length - before);
      if (before === 0)
        expect(lines[0]).toMatch(new RegExp(`^opwatch debug: GET ${server.url}${OP} 503 \\d+ms retry-after=0$`));
      expect(lines.at(-1)).toMatch(new RegExp(`^opwatch debug: GET ${server.url}${OP} 200 \\d+ms$`));
      expect([...err, ...out].join("\n")).not.toContain(TOKEN);
    }
  });

  it("redacts a token wherever it would appear", async () => {
    const { debugFetch } = await import("../src/debug-fetch.js");
    const lines: string[] = [];
    const fetch = debugFetch(
      async () => new Response("{}", { status: 200 }),
      (l) => lines.push(l),
      () => [TOKEN],
    );
    await fetch(`http://a.test/x?key=${TOKEN}`);
    expect(lines).toEqual([expect.stringMatching(/^opwatch debug: GET http:\/\/a\.test\/x\?key=\*\*\* 200 \d+ms$/)]);
  });
});

describe("usage", () => {
  const usage = async (args: string[]) => {
    const err: string[] = [];
    const code = await run(args, { env: {}, out: () => undefined, err: (l) => err.push(l) });
    return { code, err };
  };

  it("is one line plus 'see opwatch <command> --help', exit 64", async () => {
    const cases: [string[], RegExp, string][] = [
      [["wiat", "x"], /unknown command 'wiat' \(Did you mean wait\?\)/, "see opwatch --help"],
      [["wait"], /missing required argument 'targets'/, "see opwatch wait --help"],
      [
        ["wait", "u", "--tiemout", "5s"],
        /unknown option '--tiemout' \(Did you mean --timeout\?\)/,
        "see opwatch wait --help",
      ],
      [["wait", "u", "--timeout", "soon"], /--timeout takes a duration such as 1m30s/, "see opwatch wait --help"],
      [
        ["wait", "u", "--timeout", "5"],
        /--timeout takes a duration with its unit: write 5s or 5ms, not 5$/,
        "see opwatch wait --help",
      ],
      [
        ["enqueue", "u", "--interval", "2.5"],
        /--interval takes a duration with its unit: write 2\.5s or 2\.5ms/,
        "see opwatch enqueue --help",
      ],
      [
        ["wait", "u", "--min-delay", "10s", "--max-delay", "1s"],
        /--min-delay 10s is above --max-delay 1s/,
        "see opwatch wait --help",
      ],
      [
        ["wait", "u", "--interval", "5s", "--max-delay", "1s"],
        /--interval sets a fixed interval/,
        "see opwatch wait --help",
      ],
      [
        ["wait", "u", "--region", "x"],
        /--region must (be one of|look like) jp1, jp2, .*got "x"/,
        "see opwatch wait --help",
      ],
      [["wait", "not-a-url"], /neither a status URL .* nor a ref/, "see opwatch wait --help"],
      [["get", "{bad"], /is not valid JSON/, "see opwatch get --help"],
      [["completion", "tcsh"], /Allowed choices are bash, zsh, fish/, "see opwatch completion --help"],
    ];
    for (const [args, first, second] of cases) {
      const { code, err } = await usage(args);
      expect(code, args.join(" ")).toBe(EXIT.usage);
      expect(err, args.join(" ")).toHaveLength(2);
      expect(err[0]).toMatch(/^opwatch: /);
      expect(err[0]).toMatch(first);
      expect(err[1]).toBe(second);
    }
  });

  it("refuses a bad server variable from the environment", async () => {
    const err: string[] = [];
    const code = await run(["get", `https://api.bentley.com${OP}`], {
      env: { ECL_REGION: "zz" },
      out: () => undefined,
      err: (l) => err.push(l),
    });
    expect(code).toBe(EXIT.usage);
    expect(err[0]).toMatch(/^opwatch: ECL_REGION must (be one of|look like) jp1, jp2, .*got "zz"$/);
    const base: string[] = [];
    const env = { BENTLEY_BASE_URL: "localhost:4010" };
    expect(
      await run(["get", `https://api.bentley.com${OP}`], { env, out: () => undefined, err: (l) => base.push(l) }),
    ).toBe(EXIT.usage);
    expect(base[0]).toBe('opwatch: BENTLEY_BASE_URL must be an http(s) URL, got "localhost:4010"');
  });

  it("prints per-command help, the global help with exit codes, and --version", async () => {
    const out: string[] = [];
    const io = { env: {}, out: (l: string) => out.push(l), err: () => undefined };
    expect(await run(["wait", "--help"], io)).toBe(0);
    expect(out.join("\n")).toContain("Usage: opwatch wait [options] <targets...>");
    expect(out.join("\n")).toContain("--interval <duration>");
    out.length = 0;
    expect(await run(["--help"], io)).toBe(0);
    const help = out.join("\n");
    for (const line of [
      "0    succeeded",
      "4    auth",
      "5    not found",
      "64   usage",
      "130  interrupted",
      "143  terminated",
    ]) {
      expect(help).toContain(line);
    }
    expect(help).toContain("BENTLEY_TOKEN, ECL_TOKEN, KEYCARD_TOKEN, SOURCECRAFT_TOKEN");
    expect(help).toContain("ECL_REGION (--region)");
    out.length = 0;
    // `opwatch` alone prints the same help, on stdout, and exits 0.
    expect(await run([], io)).toBe(0);
    expect(out.join("\n")).toBe(help);
    out.length = 0;
    // `get` lists only the codes a single read can end with: no timeout, nothing to resume.
    expect(await run(["get", "--help"], io)).toBe(0);
    const getHelp = out.join("\n");
    expect(getHelp).toContain("1    with --exit-status: failed or canceled");
    expect(getHelp).not.toMatch(/^ {2}2 /m);
    expect(getHelp).not.toContain("resume");
    out.length = 0;
    expect(await run(["--version"], io)).toBe(0);
    expect(out).toEqual([(await import("../package.json", { with: { type: "json" } })).default.version]);
  });
});

describe("durations", () => {
  it("reads 1m30s, 2h, 1d and ms; refuses the rest, a number without its unit among them", () => {
    expect(["1m30s", "90s", "1500ms", "2h", "1d", "2s", "1h30m"].map(parseDuration)).toEqual([
      90_000, 90_000, 1500, 7_200_000, 86_400_000, 2000, 5_400_000,
    ]);
    for (const bad of ["soon", "-5s", "1h30", "1x", "", "5", "2.5"]) expect(parseDuration(bad), bad).toBeUndefined();
  });

  it("--interval polls at a fixed interval", async () => {
    const server = await bentleyServer((i) =>
      i < 3 ? { status: 200, body: bt.started } : { status: 200, body: bt.succeeded },
    );
    const { code } = await runCli(["wait", `$URL${OP}`, "--interval", "100ms"], { url: server.url });
    expect(code).toBe(0);
    const gaps = server.requests.slice(1).map((r, i) => r.at - (server.requests[i]?.at ?? 0));
    expect(gaps).toHaveLength(3);
    // Never earlier than the interval (no upper bound: the machine may be busy).
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(90);
  });
});

describe("the installed bin", () => {
  it("stops on SIGTERM (143) and SIGINT (130), printing the resume command", async () => {
    for (const [signal, exit, word] of [
      ["SIGTERM", EXIT.sigterm, "terminated"],
      ["SIGINT", EXIT.sigint, "interrupted"],
    ] as const) {
      const server = await bentleyServer([{ status: 200, body: bt.started }]);
      const result = await spawnCollect(
        process.execPath,
        [BIN, "wait", `${server.url}${OP}`, "--interval", "200ms"],
        childEnv({ BENTLEY_TOKEN: TOKEN, BENTLEY_BASE_URL: server.url }),
        (soFar, child) => {
          if (soFar.includes("running 43%") && !child.killed) child.kill(signal);
        },
      );
      expect(result.code).toBe(exit);
      expect(result.stderr).toMatch(
        new RegExp(`${word} \\(${signal}\\) while running 43% \\(Started\\); resume with: opwatch wait '\\{`),
      );
    }
  });
});
