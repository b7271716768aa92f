// opwatch enqueue, worker and outcomes, end to end: a real Postgres started from npm
// (@opwatch/durable/local-postgres) and a loopback scripted Bentley stand-in (@opwatch/testkit).
import { fileURLToPath, pathToFileURL } from "node:url";
import type { LocalPostgres } from "@opwatch/durable/local-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EXIT, run } from "../src/index.js";
import { BIN, bentleyServer, bt, childEnv, OP, OP_ID, runCli, spawnCollect, TOKEN } from "./helpers.js";

// Bounded, but generous: a real database and a worker on a loaded 2-core machine.
const WAIT_MS = 60_000;
const pace = ["--min-delay", "100ms", "--max-delay", "300ms"];

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = WAIT_MS) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("durable commands without DATABASE_URL", () => {
  it("say so in one line, exit 64, and never load @opwatch/durable", async () => {
    for (const args of [["enqueue", `https://api.bentley.com${OP}`], ["worker"], ["outcomes", "--follow"]]) {
      const { code, out, err } = await runCli(args, { env: { BENTLEY_TOKEN: TOKEN } });
      expect(code).toBe(EXIT.usage);
      expect(out).toEqual([]);
      expect(err).toEqual([
        "opwatch: set DATABASE_URL to a Postgres connection string (postgres://user:password@host:5432/db)",
        `see opwatch ${args[0]} --help`,
      ]);
    }
  });

  it("refuse a DATABASE_URL that is not a Postgres URL, naming the variable and not echoing it", async () => {
    for (const url of ["localhost:5432/db", "mysql://root:hunter2-pw@127.0.0.1/db", "not a url"]) {
      const { code, out, err } = await runCli(["outcomes"], { env: { DATABASE_URL: url } });
      expect(code).toBe(EXIT.usage);
      expect(out).toEqual([]);
      expect(err[0]).toMatch(
        /^opwatch: DATABASE_URL is not a Postgres URL( \(it starts with [a-z]+:\))?: set it to one such as postgres:\/\/user:password@host:5432\/db$/,
      );
      expect(err.join("\n")).not.toContain("hunter2-pw");
    }
  });

  it("refuse bad flags before connecting", async () => {
    const env = { DATABASE_URL: "postgres://nobody@127.0.0.1:1/none" };
    expect((await runCli(["worker", "--concurrency", "0"], { env })).code).toBe(EXIT.usage);
    expect((await runCli(["outcomes", "--after", "x"], { env })).code).toBe(EXIT.usage);
    expect((await runCli(["outcomes", "--follow", "--limit", "5"], { env })).code).toBe(EXIT.usage);
    const pacing = await runCli(["enqueue", `https://api.bentley.com${OP}`, "--min-delay", "2m", "--max-delay", "1m"], {
      env,
    });
    expect(pacing.code).toBe(EXIT.usage);
    expect(pacing.err[0]).toBe("opwatch: --min-delay 2m is above --max-delay 1m");
  });
});

describe("durable commands with --json", () => {
  it("print a database error as one JSON error record on stdout, without the password", async () => {
    const env = { BENTLEY_TOKEN: TOKEN, DATABASE_URL: "postgres://nobody:db-secret-pw@127.0.0.1:1/none" };
    for (const args of [["enqueue", `https://api.bentley.com${OP}`], ["worker"], ["outcomes"]]) {
      const { code, out, err } = await runCli([...args, "--json"], { env });
      expect(code).toBe(EXIT.error);
      expect(err).toEqual([]);
      expect(out).toHaveLength(1);
      const record = JSON.parse(out[0] ?? "");
      expect(record).toEqual({
        type: "error",
        time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        exitCode: EXIT.error,
        message: expect.stringMatching(/^could not open the database of DATABASE_URL \(.*ECONNREFUSED.*\); check/),
        error: { name: "DatabaseError", message: record.message },
      });
      expect(out[0]).not.toContain("db-secret-pw");
    }
  });

  it("print the same error as one plain line on stderr without --json, naming DATABASE_URL and what to check", async () => {
    const env = { BENTLEY_TOKEN: TOKEN, DATABASE_URL: "postgres://nobody:db-secret-pw@127.0.0.1:1/none" };
    for (const args of [["outcomes"], ["outcomes", "--follow"], ["waits"], ["stats"]]) {
      const { code, out, err } = await runCli(args, { env });
      expect(code).toBe(EXIT.error);
      expect(out).toEqual([]);
      expect(err).toEqual([
        "opwatch: could not open the database of DATABASE_URL (connect ECONNREFUSED 127.0.0.1:1); check that DATABASE_URL (postgres://user:password@host:5432/db) names a running Postgres this machine can reach",
      ]);
    }
  });

  it("read DATABASE_URL once per command, and hand it to @opwatch/durable", async () => {
    for (const args of [["enqueue", `https://api.bentley.com${OP}`], ["worker"], ["outcomes"]]) {
      let reads = 0;
      const env: Record<string, string> = { BENTLEY_TOKEN: TOKEN };
      Object.defineProperty(env, "DATABASE_URL", {
        enumerable: true,
        get: () => {
          reads += 1;
          return "postgres://nobody:db-secret-pw@127.0.0.1:1/none";
        },
      });
      const { code, out } = await runCli([...args, "--json"], { env });
      expect(code).toBe(EXIT.error);
      expect(JSON.parse(out[0] ?? "").message).toMatch(/ECONNREFUSED/);
      expect(out[0]).not.toContain("db-secret-pw");
      expect(reads, args[0]).toBe(1);
    }
  });

  it("print a missing DATABASE_URL as one JSON usage error record", async () => {
    const { code, out, err } = await runCli(["worker", "--json"], { env: { BENTLEY_TOKEN: TOKEN } });
    expect(code).toBe(EXIT.usage);
    expect(err).toEqual([]);
    expect(JSON.parse(out[0] ?? "")).toMatchObject({
      type: "error",
      exitCode: EXIT.usage,
      error: { name: "UsageError", message: expect.stringMatching(/^set DATABASE_URL/) },
    });
  });
});

describe("opwatch enqueue, worker and outcomes on Postgres", () => {
  let postgres: LocalPostgres | undefined;
  beforeAll(async () => {
    const { startLocalPostgres } = await import("@opwatch/durable/local-postgres");
    postgres = await startLocalPostgres();
  }, 180_000);
  afterAll(async () => {
    await postgres?.stop();
  }, 60_000);

  it("stores the waits, polls them in a worker until SIGTERM, and prints one outcome each", async () => {
    // s1: started twice, then succeeded (three requests); s2: failed at once.
    const seen = new Map<string, number>();
    const server = await bentleyServer((_index, url) => {
      const n = (seen.get(url) ?? 0) + 1;
      seen.set(url, n);
      return { status: 200, body: url.includes("/s2/") ? bt.failed : n < 3 ? bt.started : bt.succeeded };
    });
    const env = { BENTLEY_TOKEN: TOKEN, BENTLEY_BASE_URL: server.url, DATABASE_URL: postgres?.connectionString ?? "" };
    const second = `https://api.bentley.com/schedules/s2/operations/${OP_ID}`;

    const enqueued = await runCli(["enqueue", `$URL${OP}`, "-", ...pace], { env, url: server.url, stdin: second });
    expect(enqueued.err).toEqual([]);
    expect(enqueued.out).toEqual([
      expect.stringMatching(new RegExp(`^enqueued [0-9a-f]{32} bentley s1/${OP_ID}$`)),
      expect.stringMatching(new RegExp(`^enqueued [0-9a-f]{32} bentley s2/${OP_ID}$`)),
    ]);
    expect(enqueued.code).toBe(EXIT.ok);
    expect(server.requests).toHaveLength(0); // enqueue stores; workers poll

    // The same operation again is the same wait.
    const again = await runCli(["enqueue", `$URL${OP}`, "--json"], { env, url: server.url });
    expect(again.code).toBe(EXIT.ok);
    expect(JSON.parse(again.out[0] ?? "")).toMatchObject({
      created: false,
      ref: { provider: "bentley", params: { scheduleId: "s1", operationId: OP_ID }, baseUrl: server.url },
    });

    // outcomes --follow, started before the worker, prints each outcome as it is recorded.
    const following = new AbortController();
    const followed: string[] = [];
    const followErr: string[] = [];
    const follow = run(["outcomes", "--follow", "--json"], {
      env,
      out: (line) => followed.push(line),
      err: (line) => followErr.push(line),
      signal: following.signal,
    });
    // Nothing recorded yet: said on stderr, so stdout stays outcomes only.
    await until("follow to say it is waiting", () => followErr.length > 0);
    expect(followErr).toEqual(["opwatch outcomes: no outcome yet; waiting for workers to record one (Ctrl-C to stop)"]);
    expect(followed).toEqual([]);

    const stop = new AbortController();
    const working = runCli(["worker", "--concurrency", "2", "--json"], { env, signal: stop.signal });
    let listed: string[] = [];
    try {
      await until("two outcomes", async () => {
        const ran = await runCli(["outcomes", "--json"], { env });
        expect(ran.code).toBe(EXIT.ok);
        listed = ran.out;
        return listed.length === 2;
      });
    } finally {
      stop.abort("SIGTERM"); // what bin.ts does on SIGTERM
    }
    const worker = await working;
    expect(worker.err).toEqual([]);
    expect(worker.code).toBe(EXIT.sigterm);
    const events = worker.out.map((line) => JSON.parse(line));
    expect(
      events
        .filter((e) => e.type === "outcome")
        .map((e) => e.kind)
        .sort(),
    ).toEqual(["failed", "succeeded"]);

    const outcomes = listed.map((line) => JSON.parse(line));
    expect(outcomes.map((o) => [o.ref.params.scheduleId, o.kind]).sort()).toEqual([
      ["s1", "succeeded"],
      ["s2", "failed"],
    ]);
    expect(outcomes.find((o) => o.kind === "succeeded")).toMatchObject({ requests: 3, status: { state: "succeeded" } });

    await until("follow to print both", () => followed.length >= 2);
    following.abort("SIGINT"); // what bin.ts does on Ctrl-C
    expect(await follow).toBe(EXIT.sigint);
    expect(followed.map((line) => JSON.parse(line).kind).sort()).toEqual(["failed", "succeeded"]);
    expect(followErr).toHaveLength(1);

    // Plain lines, and --after resumes from a position.
    const plain = await runCli(["outcomes"], { env });
    expect(plain.code).toBe(EXIT.ok);
    expect(plain.out.join("\n")).toMatch(new RegExp(`succeeded\\s+bentley s1/${OP_ID} {2}\\(3 request\\(s\\)\\)`));
    const first = Math.min(...outcomes.map((o) => o.seq));
    const after = await runCli(["outcomes", "--json", "--after", String(first)], { env });
    expect(after.out).toHaveLength(1);

    // Following from a position with outcomes after it prints them, without the waiting line.
    const stopRefollow = new AbortController();
    const refollowed: string[] = [];
    const refollowErr: string[] = [];
    const refollow = run(["outcomes", "--follow", "--after", String(first)], {
      env,
      out: (line) => refollowed.push(line),
      err: (line) => refollowErr.push(line),
      signal: stopRefollow.signal,
    });
    await until("follow to print the outcome after the first", () => refollowed.length === 1);
    stopRefollow.abort("SIGINT");
    expect(await refollow).toBe(EXIT.sigint);
    expect(refollowErr).toEqual([]);
  });

  it("name the database's problem in DATABASE_URL's terms: a wrong password, a database that does not exist", async () => {
    const url = new URL(postgres?.connectionString ?? "");
    const wrongPassword = new URL(url);
    wrongPassword.password = "not-the-password-9f";
    const noDatabase = new URL(url);
    noDatabase.pathname = "/no_such_db";
    for (const [database, advice] of [
      [wrongPassword, "check the user and password in DATABASE_URL"],
      [noDatabase, "check the database name at the end of DATABASE_URL (createdb makes one)"],
    ] as const) {
      const { code, out, err } = await runCli(["outcomes"], { env: { DATABASE_URL: database.href } });
      expect(code).toBe(EXIT.error);
      expect(out).toEqual([]);
      expect(err).toHaveLength(1);
      expect(err[0]).toMatch(/^opwatch: could not open the database of DATABASE_URL \(.+\); /);
      expect(err[0]?.endsWith(`; ${advice}`)).toBe(true);
      expect(err[0]).not.toContain("not-the-password-9f");
    }
  });

  it("print each final result once as text, and the library's advice in the CLI's flags", async () => {
    // s7: not found (its stored error says to check the base URL); s8: succeeded.
    const server = await bentleyServer((_index, url) =>
      url.includes("/s7/")
        ? { status: 404, body: { error: { code: "NotFound", message: "no such operation" } } }
        : { status: 200, body: bt.succeeded },
    );
    const env = { BENTLEY_TOKEN: TOKEN, BENTLEY_BASE_URL: server.url, DATABASE_URL: postgres?.connectionString ?? "" };
    const targets = ["s7", "s8"].map((s) => `https://api.bentley.com/schedules/${s}/operations/${OP_ID}`);
    const enqueued = await runCli(["enqueue", ...targets, ...pace, "--json"], { env });
    expect(enqueued.code).toBe(EXIT.ok);
    const ids = enqueued.out.map((line) => (JSON.parse(line).id as string).slice(0, 12));
    const stop = new AbortController();
    const working = runCli(["worker", "--concurrency", "2"], { env, signal: stop.signal });
    const mine = (lines: string[]) => lines.filter((line) => / s[78]\//.test(line));
    let listed: string[] = [];
    try {
      await until("the s7 and s8 outcomes", async () => {
        listed = mine((await runCli(["outcomes"], { env })).out);
        return listed.length === 2;
      });
    } finally {
      stop.abort("SIGTERM");
    }
    const worker = await working;
    expect(worker.code).toBe(EXIT.sigterm);
    for (const id of ids) {
      expect(worker.out.filter((line) => line.includes(id))).toEqual([
        expect.stringMatching(new RegExp(`^\\S+  ${id}  (error|succeeded): bentley s[78]/${OP_ID}$`)),
      ]);
    }
    const notFound = listed.find((line) => line.includes(" s7/")) ?? "";
    expect(notFound).toMatch(/ error /);
    expect(notFound).toContain("--base-url");
    expect(notFound).not.toMatch(/baseUrl/);
  });

  it("keeps a token a server echoed into a stored status out of the worker's and outcomes' output", async () => {
    const { operation } = bt.failed as { operation: Record<string, unknown> };
    const failed = { operation: { ...operation, failureDescription: `token ${TOKEN} was revoked.` } };
    const server = await bentleyServer(() => ({ status: 200, body: failed }));
    const env = { BENTLEY_TOKEN: TOKEN, BENTLEY_BASE_URL: server.url, DATABASE_URL: postgres?.connectionString ?? "" };
    const target = `https://api.bentley.com/schedules/s9/operations/${OP_ID}`;
    const enqueued = await runCli(["enqueue", target, ...pace, "--json"], { env });
    expect(enqueued.code).toBe(EXIT.ok);
    const stop = new AbortController();
    const working = runCli(["worker", "--concurrency", "1", "--json"], { env, signal: stop.signal });
    const mine = (lines: string[]) => lines.filter((line) => line.includes('"s9"') || line.includes(" s9/"));
    try {
      await until("the s9 outcome", async () => mine((await runCli(["outcomes", "--json"], { env })).out).length > 0);
    } finally {
      stop.abort("SIGTERM");
    }
    const worker = await working;
    const listed = await runCli(["outcomes", "--json"], { env });
    const plain = await runCli(["outcomes"], { env });
    expect(mine(listed.out).map((line) => JSON.parse(line).kind)).toEqual(["failed"]);
    expect(mine(plain.out).join("\n")).toContain("[REDACTED]");
    for (const ran of [worker, listed, plain]) {
      expect([...ran.out, ...ran.err].join("\n")).not.toContain(TOKEN);
    }
  });

  it("stops on SIGTERM with 143, after saying what it did", async () => {
    const env = childEnv({ DATABASE_URL: postgres?.connectionString ?? "", BENTLEY_TOKEN: TOKEN });
    let sent = false;
    const ran = await spawnCollect(process.execPath, [BIN, "worker", "--concurrency", "1"], env, (soFar, child) => {
      if (!sent && soFar.includes("Ctrl-C to stop")) {
        sent = true;
        child.kill("SIGTERM");
      }
    });
    expect(ran.stderr).toBe("");
    expect(ran.stdout).toMatch(/^opwatch worker: polling \(1 at once\); Ctrl-C to stop\.$/m);
    expect(ran.stdout).toMatch(/^opwatch worker: stopped after \d+ step\(s\), \d+ outcome\(s\)\.$/m);
    expect(ran.code).toBe(EXIT.sigterm);
  });
});

describe("opwatch wait", () => {
  it("never loads @opwatch/durable nor pg (they load only with the durable commands)", async () => {
    const server = await bentleyServer([{ status: 200, body: bt.succeeded }]);
    const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
    // pg is CommonJS: whatever imports it leaves it in the require cache, where a child process can look.
    const probe = `
      import { createRequire } from "node:module";
      import { pathToFileURL } from "node:url";
      const { run } = await import(${JSON.stringify(pathToFileURL(cli).href)});
      const io = { env: process.env, out: () => {}, err: (l) => console.error(l) };
      const code = await run(["wait", process.argv[1], "--min-delay", "5ms", "--max-delay", "5ms"], io);
      const loaded = () => Object.keys(createRequire(import.meta.url).cache).filter((p) => /[\\\\/](pg|pg-boss|pg-pool)[\\\\/]/.test(p));
      const afterWait = loaded();
      await import(pathToFileURL(createRequire(${JSON.stringify(cli)}).resolve("@opwatch/durable")).href);
      console.log(JSON.stringify({ code, afterWait, afterDurable: loaded().length }));
    `;
    // Spawned without blocking: the stand-in answers from this process.
    const child = await spawnCollect(
      process.execPath,
      ["--input-type=module", "-e", probe, `${server.url}/schedules/s1/operations/${OP_ID}`],
      { PATH: process.env.PATH ?? "", BENTLEY_TOKEN: TOKEN, BENTLEY_BASE_URL: server.url },
    );
    expect(child.stderr).toBe("");
    const result = JSON.parse(child.stdout.trim());
    expect(result.code).toBe(0);
    expect(result.afterWait).toEqual([]);
    expect(result.afterDurable).toBeGreaterThan(0); // the probe does see pg once it is loaded
  });
});
