// What the durable watcher promises under concurrency and misuse: cursors in commit order with many
// committers, one wait per operation, enqueues racing without deadlock, a misconfigured worker that ends
// nothing, and the operator's commands.
import { sourcecraft } from "@opwatch/sourcecraft";
import { createWatcher, register } from "opwatch";
import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { waitIdOf } from "../src/ids.js";
import { createDurableWatcher, type DurableWatcher, type DurableWorker, type Outcome } from "../src/index.js";
import { migrations } from "../src/schema.js";
import { databaseUrl, durableFor, FAST, newSchema, until, watcherFor } from "./support/harness.js";
import { type StandIn, startStandIn } from "./support/stand-in.mjs";

let standIn: StandIn;
const open: { durables: DurableWatcher[]; workers: DurableWorker[] } = { durables: [], workers: [] };
let sql: pg.Pool;

beforeAll(async () => {
  standIn = await startStandIn();
  sql = new pg.Pool({ connectionString: databaseUrl(), max: 12 });
});
afterEach(async () => {
  await Promise.all(open.workers.splice(0).map((worker) => worker.stop()));
  await Promise.all(open.durables.splice(0).map((durable) => durable.stop()));
});
afterAll(async () => {
  await standIn?.stop();
  await sql?.end();
});

function durable(schema: string, options: Parameters<typeof durableFor>[2] = {}) {
  const made = durableFor(standIn, schema, options);
  open.durables.push(made);
  return made;
}

const ref = (id: string) => ({
  provider: "sourcecraft",
  endpoint: "getSecretOperation",
  params: { operation_id: id },
  baseUrl: standIn.url,
});

describe("upgrades", () => {
  it("a database at schema version 1 is brought to version 2, its pending waits polled on with their last status", async () => {
    const schema = newSchema("upgrade");
    const [version1] = migrations(schema);
    await sql.query(`CREATE SCHEMA ${schema}; ${version1}`);
    await sql.query(
      `CREATE TABLE ${schema}.schema_version (version integer NOT NULL, migrated_at timestamptz NOT NULL DEFAULT now());
       INSERT INTO ${schema}.schema_version (version) VALUES (1)`,
    );
    standIn.add("upgraded", Date.now() + 60_000, "success");
    const waitRef = ref("upgraded");
    const last = { provider: "sourcecraft", id: "upgraded", ref: waitRef, state: "running", done: false };
    const made = durable(schema);
    const id = waitIdOf(waitRef);
    await sql.query(
      `INSERT INTO ${schema}.waits (id, provider, ref, origin, due_at, state)
       VALUES ($1, 'sourcecraft', $2, $3, now(), $4)`,
      [
        id,
        waitRef,
        standIn.url,
        { v: 1, startedAt: Date.now(), deadline: Date.now() + 2000, attempt: 1, failures: 0, last },
      ],
    );
    await made.start();
    const { rows } = await sql.query(`SELECT state, last FROM ${schema}.waits WHERE id = $1`, [id]);
    expect(rows[0].last).toEqual(last);
    expect(rows[0].state).not.toHaveProperty("last");
    expect((await sql.query(`SELECT max(version) AS v FROM ${schema}.schema_version`)).rows[0].v).toBe(2);

    open.workers.push(await made.work({ pollIntervalMs: 20 }));
    await until("the upgraded wait to end", async () => (await made.counts()).outcomes === 1);
    // The operation outlives its deadline (2 s): the outcome carries the last status seen, ref included.
    expect(await made.outcome(id)).toMatchObject({ kind: "timed_out", status: { state: "running", ref: waitRef } });
  });
});

describe("cursors", () => {
  it("follow, outcomes({ after }) and onOutcome skip none and repeat none with many concurrent committers", async () => {
    const schema = newSchema("cursors");
    const made = durable(schema);
    const ids = Array.from({ length: 400 }, (_, i) => `cursor-${i}`);
    const stored = await made.enqueueAll(ids.map(ref));
    const waitIds = stored.map((result) => result.id);

    // Readers, started before any outcome: a follower, a paging reader and an onOutcome consumer.
    const controller = new AbortController();
    const followed: Outcome[] = [];
    const following = (async () => {
      for await (const outcome of made.follow({ signal: controller.signal, intervalMs: 20 })) {
        followed.push(outcome);
        if (followed.length === ids.length) controller.abort();
      }
    })();
    // A skipped outcome would leave the pager short: it gives up 20 s after the last commit.
    const paged: Outcome[] = [];
    let giveUpAt = Number.POSITIVE_INFINITY;
    const pager = (async () => {
      let after = 0;
      while (paged.length < ids.length && Date.now() < giveUpAt) {
        const page = await made.outcomes({ after, limit: 7 });
        paged.push(...page);
        after = page.at(-1)?.seq ?? after;
        if (page.length === 0) await new Promise((resolve) => setTimeout(resolve, 3));
      }
    })();
    const consumed: Outcome[] = [];
    const stopConsuming = await made.onOutcome(
      (outcome) => {
        consumed.push(outcome);
      },
      { intervalMs: 20, batchSize: 13 },
    );

    // Eight committers, each ending a few waits per transaction and holding the transaction open a
    // random while after its outcomes are drawn: the case where an insert-time seq skips.
    const claimed = await sql.query(`SELECT * FROM ${schema}.claim_steps(1000, NULL, '{}', 600000, 0, 8, 0)`);
    expect(claimed.rowCount).toBe(ids.length);
    const queue = [...claimed.rows];
    const committer = async () => {
      const client = await sql.connect();
      try {
        for (;;) {
          const batch = queue.splice(0, 1 + Math.floor(Math.random() * 4));
          if (batch.length === 0) return;
          const steps = batch.map((row) => ({
            id: row.id,
            seq: row.seq,
            origin: row.origin,
            slot: null,
            done: true,
            state: null,
            delay_ms: 0,
            reads: 1,
            failed: false,
            kind: "succeeded",
            status: null,
            error: null,
          }));
          await client.query("BEGIN");
          await client.query(`SELECT * FROM ${schema}.commit_steps($1::jsonb, '[]')`, [JSON.stringify(steps)]);
          await client.query("SELECT pg_sleep($1)", [Math.random() * 0.004]);
          await client.query("COMMIT");
        }
      } finally {
        client.release();
      }
    };
    await Promise.all(Array.from({ length: 8 }, committer));
    giveUpAt = Date.now() + 20_000;
    await pager;
    await following;
    await until("the consumer to see every outcome", () => consumed.length >= ids.length);
    await stopConsuming();

    for (const seen of [followed, paged, consumed]) {
      const seqs = seen.map((outcome) => outcome.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seen.map((outcome) => outcome.waitId).sort()).toEqual([...waitIds].sort());
    }
  });

  it("onOutcome keeps its cursor by name across restarts, and stop() inside the handler stops cleanly", async () => {
    const schema = newSchema("consumer");
    const first = createDurableWatcher({ watcher: watcherFor(standIn), connectionString: databaseUrl(), schema });
    const ids = ["c-1", "c-2", "c-3"];
    await first.enqueueAll(ids.map(ref));
    const claimed = await sql.query(`SELECT * FROM ${schema}.claim_steps(10, NULL, '{}', 60000, 0, 8, 0)`);
    const steps = claimed.rows.map((row) => ({ ...row, done: true, reads: 1, failed: false, kind: "failed" }));
    await sql.query(`SELECT * FROM ${schema}.commit_steps($1::jsonb, '[]')`, [JSON.stringify(steps)]);

    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on("unhandledRejection", onUnhandled);
    try {
      const seen: string[] = [];
      const done = new Promise<void>((resolve) => {
        void first.onOutcome(
          async (outcome) => {
            seen.push(outcome.waitId);
            // The whole watcher stopped from inside a handler: no crash, no hang.
            await first.stop();
            resolve();
          },
          { name: "billing", intervalMs: 20 },
        );
      });
      await done;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(seen).toHaveLength(1);
      expect(unhandled).toEqual([]);

      // Another process with the same name goes on after the first outcome; another name starts over.
      const second = durable(schema);
      const resumed: string[] = [];
      const fresh: string[] = [];
      await second.onOutcome((o) => void resumed.push(o.waitId), { name: "billing", intervalMs: 20 });
      await second.onOutcome((o) => void fresh.push(o.waitId), { name: "reports", intervalMs: 20 });
      await until("both consumers", () => resumed.length === 2 && fresh.length === 3);
      expect([...seen, ...resumed].sort()).toEqual(fresh.sort());
    } finally {
      process.off("unhandledRejection", onUnhandled);
    }
  });
});

describe("one wait per operation", () => {
  it("refuses, before writing anything, a ref with a parameter the endpoint does not take or a host the watcher does not know", async () => {
    const schema = newSchema("canonical");
    const made = durable(schema);
    await expect(made.enqueue({ ...ref("x"), params: { operation_id: "x", note: "junk" } })).rejects.toThrow(
      /takes no parameter "note"/,
    );
    await expect(made.enqueue({ ...ref("x"), baseUrl: "https://collector.evil.example" })).rejects.toThrow(
      /refusing to send credentials to https:\/\/collector.evil.example/,
    );
    await expect(made.enqueueAll([ref("ok"), { ...ref("y"), baseUrl: "http://127.0.0.1:1" }])).rejects.toThrow(
      /refusing to send credentials/,
    );
    expect(await made.counts()).toEqual({ waits: 0, pending: 0, outcomes: 0 });
    // A URL, a ref, and the ref with its keys in another order: one wait.
    const results = await made.enqueueAll([
      standIn.statusUrl("same"),
      ref("same"),
      JSON.parse(
        JSON.stringify({
          params: { operation_id: "same" },
          baseUrl: standIn.url,
          endpoint: "getSecretOperation",
          provider: "sourcecraft",
        }),
      ),
    ]);
    expect(new Set(results.map((r) => r.id)).size).toBe(1);
    expect(results.map((r) => r.created)).toEqual([true, false, false]);
  });

  it("two processes enqueuing the same thousand operations in opposite orders never deadlock", async () => {
    const schema = newSchema("race");
    const a = durable(schema);
    const b = durable(schema);
    await a.start();
    for (let round = 0; round < 4; round += 1) {
      const targets = Array.from({ length: 1000 }, (_, i) => ref(`race-${round}-${i}`));
      const [left, right] = await Promise.all([a.enqueueAll(targets), b.enqueueAll([...targets].reverse())]);
      const created = left.filter((r) => r.created).length + right.filter((r) => r.created).length;
      expect(created).toBe(1000);
    }
    expect((await a.counts()).waits).toBe(4000);
  });

  it("a port that accepts and never answers fails enqueue after the connect timeout", async () => {
    const { createServer } = await import("node:net");
    const sockets: import("node:net").Socket[] = [];
    const server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    const made = createDurableWatcher({
      watcher: watcherFor(standIn),
      connectionString: `postgres://u:p@127.0.0.1:${port}/db`,
      connectTimeoutMs: 300,
    });
    try {
      const started = Date.now();
      await expect(made.enqueue(ref("never"))).rejects.toThrow(/timeout/i);
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await made.stop();
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });
});

describe("a worker that cannot poll a provider", () => {
  it("says so, ends no wait, and leaves the waits to a worker that can", async () => {
    const schema = newSchema("misconfigured");
    const made = durable(schema);
    standIn.add("mis-1", Date.now());
    await made.enqueue(standIn.statusUrl("mis-1"), FAST);
    // A worker whose watcher has the provider but no credentials for it: its token function throws.
    const noToken = createWatcher({
      providers: [
        register(sourcecraft, {
          token: async () => {
            throw new Error("set SOURCECRAFT_TOKEN");
          },
          baseUrl: standIn.url,
        }),
      ],
    });
    const lame = createDurableWatcher({ watcher: noToken, connectionString: databaseUrl(), schema });
    open.durables.push(lame);
    const events: string[] = [];
    const lameWorker = await lame.work({ pollIntervalMs: 20, onEvent: (e) => void events.push(e.type) });
    open.workers.push(lameWorker);
    await until("the worker to say it cannot poll", () => events.includes("unpollable"));
    expect([...lameWorker.unpollable]).toEqual(["sourcecraft"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await made.counts()).toEqual({ waits: 1, pending: 1, outcomes: 0 });
    expect(lameWorker.stats.outcomes).toBe(0);
    // The wait was handed back for later: make it due now, for a worker that can poll it.
    await sql.query(`UPDATE ${schema}.waits SET due_at = now()`);
    const good = await made.work({ pollIntervalMs: 20 });
    open.workers.push(good);
    await until("the outcome", async () => (await made.counts()).outcomes === 1);
    expect((await made.outcomes())[0]?.kind).toBe("succeeded");
  });

  it("a worker told which providers it polls never claims the others' waits", async () => {
    const schema = newSchema("providers");
    const made = durable(schema);
    standIn.add("prov-1", Date.now());
    await made.enqueue(standIn.statusUrl("prov-1"), FAST);
    const worker = await made.work({ pollIntervalMs: 20, providers: ["bentley"] });
    open.workers.push(worker);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(worker.stats.claims).toBeGreaterThan(1);
    expect(worker.stats.steps).toBe(0);
    expect((await made.waits())[0]?.requests).toBe(0);
  });
});

describe("operator commands", () => {
  it("list, cancel, retry, prune and stats", async () => {
    const schema = newSchema("ops");
    const made = durable(schema);
    standIn.add("ops-ok", Date.now());
    standIn.add("ops-slow", Date.now() + 600_000);
    const [ok, missing, slow] = await made.enqueueAll(
      [standIn.statusUrl("ops-ok"), standIn.statusUrl("ops-missing"), standIn.statusUrl("ops-slow")],
      FAST,
    );
    // Oldest first (enqueued together: by id).
    expect((await made.waits()).map((w) => w.id)).toEqual([ok?.id, missing?.id, slow?.id].sort());
    const worker = await made.work({ pollIntervalMs: 20 });
    open.workers.push(worker);
    await until("two outcomes", async () => (await made.counts()).outcomes === 2);
    expect((await made.waits()).map((w) => w.id)).toEqual([slow?.id]);
    expect((await made.waits({ state: "ended" })).map((w) => w.id).sort()).toEqual([ok?.id, missing?.id].sort());
    expect(await made.waits({ provider: "bentley", state: "all" })).toEqual([]);
    expect(await made.waits({ olderThanMs: 3_600_000 })).toEqual([]);

    expect(await made.cancel([standIn.statusUrl("ops-slow")])).toEqual([slow?.id]);
    expect(await made.cancel([slow?.id as string])).toEqual([]);
    const canceled = await made.outcome(slow?.id as string);
    expect(canceled).toMatchObject({ kind: "canceled", error: { name: "WaitCanceled" } });

    const stats = await made.stats();
    expect(stats).toMatchObject({ waits: 3, pending: 0, outcomes: 3, due: 0 });
    expect(stats.lastHour).toEqual({ succeeded: 1, error: 1, canceled: 1 });
    expect(stats.byProvider).toEqual({ sourcecraft: { pending: 0, ended: 3 } });

    // The error outcome (404) is retried: removed, polled again, recorded again.
    standIn.add("ops-missing", Date.now());
    expect(await made.retry()).toEqual([missing?.id]);
    await until(
      "the retried wait to end",
      async () => (await made.outcome(missing?.id as string))?.kind === "succeeded",
    );

    expect(await made.prune({ olderThanMs: 3_600_000 })).toBe(0);
    expect(await made.prune({ olderThanMs: 0 })).toBe(3);
    expect(await made.counts()).toEqual({ waits: 0, pending: 0, outcomes: 0 });
  });
});
