import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type CommandIo,
  cancelCommand,
  enqueueCommand,
  outcomesCommand,
  pruneCommand,
  retryCommand,
  statsCommand,
  waitsCommand,
  workerCommand,
} from "../src/index.js";
import { databaseUrl, durableFor, FAST, newSchema, until, watcherFor } from "./support/harness.js";
import { type StandIn, startStandIn } from "./support/stand-in.mjs";

let standIn: StandIn;
beforeAll(async () => {
  standIn = await startStandIn();
});
afterAll(async () => {
  await standIn?.stop();
});

function io(env: Record<string, string | undefined> = { DATABASE_URL: databaseUrl() }, signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const value: CommandIo = { env, out: (line) => out.push(line), err: (line) => err.push(line) };
  if (signal) value.signal = signal;
  return { io: value, out, err };
}

describe("CLI commands", () => {
  it("need DATABASE_URL, and say so", async () => {
    const { io: noDb, err } = io({});
    const code = await outcomesCommand({}, { watcher: watcherFor(standIn), io: noDb });
    expect(code).toBe(64);
    expect(err.join("\n")).toMatch(/set DATABASE_URL/);
  });

  it("never print the database password", async () => {
    const url = new URL(databaseUrl());
    url.password = "wrong-secret-pw";
    const { io: bad, out, err } = io({ DATABASE_URL: url.toString() });
    const code = await outcomesCommand({}, { watcher: watcherFor(standIn), io: bad });
    expect(code).toBe(3);
    expect(err.join("\n")).toMatch(/password authentication failed/);
    expect([...out, ...err].join("\n")).not.toContain("wrong-secret-pw");
  });

  it("take the connection string the caller hands over instead of DATABASE_URL, and keep its password out", async () => {
    const url = new URL(databaseUrl());
    url.password = "handed-secret-pw";
    const { io: noEnv, out, err } = io({});
    const code = await outcomesCommand(
      {},
      { watcher: watcherFor(standIn), io: noEnv, connectionString: url.toString() },
    );
    expect(code).toBe(3);
    expect(err.join("\n")).toMatch(/password authentication failed/);
    expect([...out, ...err].join("\n")).not.toContain("handed-secret-pw");
  });

  it("with json, say what went wrong in one JSON error record on stdout", async () => {
    const noDb = io({});
    expect(await workerCommand({ json: true }, { watcher: watcherFor(standIn), io: noDb.io })).toBe(64);
    expect(noDb.err).toEqual([]);
    expect(noDb.out.map((line) => JSON.parse(line))).toEqual([
      {
        type: "error",
        time: expect.any(String),
        exitCode: 64,
        message: expect.stringMatching(/^set DATABASE_URL/),
        error: { name: "UsageError", message: expect.stringMatching(/^set DATABASE_URL/) },
      },
    ]);

    const url = new URL(databaseUrl());
    url.password = "wrong-secret-pw";
    const bad = io({ DATABASE_URL: url.toString() });
    expect(await outcomesCommand({ json: true }, { watcher: watcherFor(standIn), io: bad.io })).toBe(3);
    expect(bad.err).toEqual([]);
    expect(bad.out).toHaveLength(1);
    expect(JSON.parse(bad.out[0] ?? "")).toMatchObject({
      type: "error",
      exitCode: 3,
      message: expect.stringMatching(/password authentication failed/),
    });
    expect(bad.out[0]).not.toContain("wrong-secret-pw");
  });

  it("enqueue, worker and outcomes, end to end", async () => {
    const schema = newSchema("cli");
    const context = (made: ReturnType<typeof io>) => ({
      watcher: watcherFor(standIn),
      io: made.io,
      options: { schema },
    });
    standIn.add("cli-1", Date.now() + 300);
    standIn.add("cli-2", Date.now() + 200, "failed");

    const first = io();
    const targets = [standIn.statusUrl("cli-1"), standIn.statusUrl("cli-2")];
    expect(await enqueueCommand({ targets, ...FAST }, context(first))).toBe(0);
    expect(first.out).toEqual([
      expect.stringMatching(/^enqueued [0-9a-f]{32} sourcecraft cli-1$/),
      expect.stringMatching(/^enqueued [0-9a-f]{32} sourcecraft cli-2$/),
    ]);
    const again = io();
    const ref = JSON.stringify({
      provider: "sourcecraft",
      endpoint: "getSecretOperation",
      params: { operation_id: "cli-1" },
      baseUrl: standIn.url,
    });
    expect(await enqueueCommand({ targets: [ref], json: true }, context(again))).toBe(0);
    expect(JSON.parse(again.out[0] ?? "")).toMatchObject({
      created: false,
      ref: { params: { operation_id: "cli-1" } },
    });

    const bad = io();
    expect(await enqueueCommand({ targets: ["{not json"] }, context(bad))).toBe(64);
    expect(await enqueueCommand({ targets: [] }, context(bad))).toBe(64);

    // outcomes --follow, started before the worker, prints each outcome as it is recorded.
    const following = new AbortController();
    const follow = io(undefined, following.signal);
    const followed = outcomesCommand({ follow: true, json: true }, context(follow));

    const stopWorker = new AbortController();
    const worker = io(undefined, stopWorker.signal);
    const working = workerCommand({ concurrency: 2 }, context(worker));
    const check = durableFor(standIn, schema);
    try {
      await until("two outcomes", async () => (await check.counts()).outcomes === 2);
    } finally {
      await check.stop();
    }
    stopWorker.abort();
    expect(await working).toBe(0);
    expect(
      worker.out.filter((line) => /succeeded: sourcecraft cli-1|failed: sourcecraft cli-2/.test(line)),
    ).toHaveLength(2);
    expect(worker.out.at(-1)).toMatch(/stopped after \d+ step\(s\), 2 outcome\(s\)/);

    await until("follow to print both", () => follow.out.length === 2);
    following.abort();
    expect(await followed).toBe(0);
    expect(follow.out.map((line) => JSON.parse(line).kind).sort()).toEqual(["failed", "succeeded"]);

    const listed = io();
    expect(await outcomesCommand({}, context(listed))).toBe(0);
    expect(listed.out).toHaveLength(2);
    expect(listed.out.join("\n")).toMatch(/succeeded\s+sourcecraft cli-1 {2}\(\d+ request\(s\)\)/);
    expect(listed.out.join("\n")).toMatch(/failed\s+sourcecraft cli-2 .*The secret value exceeds 64 KiB/);
    const firstSeq = Number(listed.out[0]?.split(" ")[0]);
    const after = io();
    expect(await outcomesCommand({ after: firstSeq, json: true }, context(after))).toBe(0);
    expect(after.out).toHaveLength(1);
  });

  it("waits, cancel, retry, prune and stats, for an operator", async () => {
    const schema = newSchema("admin");
    const context = (made: ReturnType<typeof io>) => ({
      watcher: watcherFor(standIn),
      io: made.io,
      options: { schema },
    });
    standIn.add("adm-1", Date.now() + 600_000);
    expect(await enqueueCommand({ targets: [standIn.statusUrl("adm-1")], ...FAST }, context(io()))).toBe(0);

    const listed = io();
    expect(await waitsCommand({}, context(listed))).toBe(0);
    expect(listed.out).toEqual([
      expect.stringMatching(/^[0-9a-f]{32} {2}\S+ {2}- {10}sourcecraft adm-1 {2}\(0 request\(s\)\), next step /),
    ]);
    const id = listed.out[0]?.slice(0, 32) ?? "";

    const stats = io();
    expect(await statsCommand({ json: true }, context(stats))).toBe(0);
    expect(JSON.parse(stats.out[0] ?? "")).toMatchObject({
      waits: 1,
      pending: 1,
      byProvider: { sourcecraft: { pending: 1 } },
    });

    const canceled = io();
    expect(await cancelCommand({ targets: [id] }, context(canceled))).toBe(0);
    expect(canceled.out).toEqual([`canceled ${id}`]);
    const none = io();
    expect(await cancelCommand({ targets: [] }, context(none))).toBe(64);

    const retried = io();
    expect(await retryCommand({ targets: [standIn.statusUrl("adm-1")], json: true }, context(retried))).toBe(0);
    expect(JSON.parse(retried.out[0] ?? "")).toEqual({ retrying: [id] });
    const again = io();
    expect(await waitsCommand({ json: true }, context(again))).toBe(0);
    expect(JSON.parse(again.out[0] ?? "")).toMatchObject({ id, endedAt: null });

    expect(await cancelCommand({ targets: [id] }, context(io()))).toBe(0);
    const pruned = io();
    expect(await pruneCommand({ olderThanMs: 0 }, context(pruned))).toBe(0);
    expect(pruned.out).toEqual(["deleted 1 ended wait(s) and their outcomes"]);
  });
});
