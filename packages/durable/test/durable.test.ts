import pg from "pg";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createDurableWatcher, type DurableWatcher, type DurableWorker, type Outcome } from "../src/index.js";
import { databaseUrl, durableFor, FAST, newSchema, until } from "./support/harness.js";
import { type StandIn, startStandIn } from "./support/stand-in.mjs";

let standIn: StandIn;
const open: { durables: DurableWatcher[]; workers: DurableWorker[] } = { durables: [], workers: [] };
let sql: pg.Pool;

beforeAll(async () => {
  standIn = await startStandIn();
  sql = new pg.Pool({ connectionString: databaseUrl(), max: 2 });
});
afterEach(async () => {
  await Promise.all(open.workers.splice(0).map((worker) => worker.stop()));
  await Promise.all(open.durables.splice(0).map((durable) => durable.stop()));
});
afterAll(async () => {
  await standIn?.stop();
  await sql?.end();
});

function durable(schema: string, options: Parameters<typeof durableFor>[2] = {}, on = standIn) {
  const made = durableFor(on, schema, options);
  open.durables.push(made);
  return made;
}

async function work(watcher: DurableWatcher, concurrency = 4) {
  const worker = await watcher.work({ concurrency, pollIntervalMs: 50 });
  open.workers.push(worker);
  return worker;
}

/** Steps scheduled (waits with a due time). */
const stepJobs = async (schema: string) =>
  Number((await sql.query(`SELECT count(*) AS n FROM ${schema}.waits WHERE due_at IS NOT NULL`)).rows[0]?.n ?? -1);

describe("createDurableWatcher", () => {
  it("refuses bad options before connecting", () => {
    const watcher = { ref: () => ({ provider: "p", endpoint: "o", params: {}, baseUrl: "https://x.test" }) };
    expect(() => createDurableWatcher({ watcher })).toThrow(/connectionString/);
    expect(() => createDurableWatcher({ watcher, connectionString: "postgres://x", schema: "Bad-Name" })).toThrow(
      /schema must be/,
    );
    expect(() => createDurableWatcher({ watcher, connectionString: "postgres://x", maxInFlightPerOrigin: 0 })).toThrow(
      /maxInFlightPerOrigin/,
    );
    expect(() => createDurableWatcher({ watcher, connectionString: "postgres://x", stepTimeoutSeconds: 0.5 })).toThrow(
      /stepTimeoutSeconds/,
    );
    expect(() => createDurableWatcher({ connectionString: "postgres://x" } as never)).toThrow(/needs a watcher/);
  });

  it("work() needs a watcher that can step", async () => {
    const watcher = { ref: () => ({ provider: "p", endpoint: "o", params: {}, baseUrl: "https://x.test" }) };
    const made = createDurableWatcher({ watcher, connectionString: databaseUrl(), schema: newSchema("nostep") });
    open.durables.push(made);
    await expect(made.work()).rejects.toThrow(/step\(\) and pushbackKey\(\)/);
  });
});

describe("enqueue", () => {
  it("stores the wait and returns without polling; the same ref twice is one wait", async () => {
    const schema = newSchema("enqueue");
    const durableWatcher = durable(schema);
    standIn.add("enq-1", Date.now() + 60_000);
    const before = standIn.requests.length;

    const first = await durableWatcher.enqueue(standIn.statusUrl("enq-1"));
    expect(first.created).toBe(true);
    expect(first.ref).toEqual({
      provider: "sourcecraft",
      endpoint: "getSecretOperation",
      params: { operation_id: "enq-1" },
      baseUrl: standIn.url,
    });
    // The ref (plain JSON, keys in another order) names the same wait.
    const again = await durableWatcher.enqueue({ ...JSON.parse(JSON.stringify(first.ref)), provider: "sourcecraft" });
    expect(again).toEqual({ ...first, created: false });
    const both = await durableWatcher.enqueueAll([standIn.statusUrl("enq-1"), standIn.statusUrl("enq-1")]);
    expect(both.map((result) => result.created)).toEqual([false, false]);

    expect(standIn.requests.length).toBe(before);
    expect(await durableWatcher.counts()).toEqual({ waits: 1, pending: 1, outcomes: 0 });
    expect(await stepJobs(schema)).toBe(1);
  });

  it("rejects a target it cannot poll before writing anything", async () => {
    const schema = newSchema("reject");
    const durableWatcher = durable(schema);
    await expect(
      durableWatcher.enqueueAll([standIn.statusUrl("ok-1"), "https://elsewhere.example/operations/x"]),
    ).rejects.toThrow(/not recognised|not recognized|no registered provider|elsewhere/i);
    expect(await durableWatcher.counts()).toEqual({ waits: 0, pending: 0, outcomes: 0 });
  });
});

describe("worker", () => {
  it("ends every wait with exactly one outcome holding the final status as JSON", async () => {
    const schema = newSchema("outcomes");
    const durableWatcher = durable(schema);
    const now = Date.now();
    standIn.add("out-ok", now + 600, "success");
    standIn.add("out-failed", now + 300, "failed");
    standIn.add("out-cancel", now + 400, "cancel");
    const hooked: Outcome[] = [];
    await durableWatcher.onOutcome((outcome) => {
      hooked.push(outcome);
    });
    const targets = ["out-ok", "out-failed", "out-cancel", "out-missing"].map((id) => standIn.statusUrl(id));
    await durableWatcher.enqueueAll(targets, FAST);
    await work(durableWatcher);

    await until("four outcomes", async () => (await durableWatcher.counts()).outcomes === 4);
    const outcomes = await durableWatcher.outcomes();
    const byId = Object.fromEntries(outcomes.map((o) => [o.ref.params.operation_id, o]));
    expect(byId["out-ok"]).toMatchObject({ kind: "succeeded", status: { state: "succeeded", rawStatus: "success" } });
    // Each step is one read, and the record counts them.
    for (const id of ["out-ok", "out-failed", "out-cancel"]) {
      expect(byId[id]?.requests).toBe(standIn.operations.get(id)?.requests.length);
    }
    expect(byId["out-failed"]).toMatchObject({
      kind: "failed",
      status: { state: "failed", error: { code: "secret_value_too_large" } },
    });
    // The provider canceled it: kind canceled, no error (an operator's cancel says WaitCanceled).
    expect(byId["out-cancel"]).toMatchObject({ kind: "canceled", status: { state: "canceled" }, error: null });
    // A status is stored without the wait's own ref, and read back whole.
    expect(byId["out-ok"]?.status?.ref).toEqual(byId["out-ok"]?.ref);
    expect(byId["out-missing"]).toMatchObject({ kind: "error", status: null, error: { name: "NotFoundError" } });
    // Dates travel as ISO strings; the order is the order they were recorded.
    expect(byId["out-ok"]?.status?.updatedAt).toBe("2025-01-01T00:00:09.000Z");
    expect(outcomes.map((o) => o.seq)).toEqual([...outcomes.map((o) => o.seq)].sort((a, b) => a - b));
    expect((await durableWatcher.outcome(standIn.statusUrl("out-ok")))?.waitId).toBe(byId["out-ok"]?.waitId);
    expect(await durableWatcher.outcome(standIn.statusUrl("never-enqueued"))).toBeUndefined();

    await until("the hook to see all four", () => hooked.length >= 4);
    expect(hooked.map((o) => o.waitId).sort()).toEqual(outcomes.map((o) => o.waitId).sort());
    expect(await stepJobs(schema)).toBe(0);
    expect(await durableWatcher.counts()).toEqual({ waits: 4, pending: 0, outcomes: 4 });
  });

  it("records timed_out with the last status seen when the wait outlives maxWaitMs", async () => {
    const schema = newSchema("timeout");
    const durableWatcher = durable(schema);
    standIn.add("slow-1", Date.now() + 600_000);
    await durableWatcher.enqueue(standIn.statusUrl("slow-1"), { ...FAST, maxWaitMs: 400 });
    await work(durableWatcher);
    await until("an outcome", async () => (await durableWatcher.counts()).outcomes === 1);
    const [outcome] = await durableWatcher.outcomes();
    expect(outcome).toMatchObject({ kind: "timed_out", status: { state: "running" }, error: { name: "TimeoutError" } });
  });

  it("a step run twice (its lease ran out while its worker was cut off) is written once", async () => {
    const schema = newSchema("twice");
    const durableWatcher = durable(schema);
    standIn.add("twice-1", Date.now());
    const { id } = await durableWatcher.enqueue(standIn.statusUrl("twice-1"), FAST);
    // A worker claims the step, then is cut off: its lease runs out and another worker takes the step.
    const claimed = await sql.query(`SELECT * FROM ${schema}.claim_steps(10, NULL, '{}', 60000, 16, 8, 2000)`);
    expect(claimed.rows.map((row) => row.id)).toEqual([id]);
    await sql.query(`UPDATE ${schema}.waits SET due_at = now(), lease_until = now()`);
    await work(durableWatcher);
    await until("the outcome", async () => (await durableWatcher.counts()).outcomes === 1);
    // The cut-off worker comes back and commits what it read: nothing is written.
    const late = [
      {
        id,
        seq: 0,
        origin: claimed.rows[0].origin,
        slot: claimed.rows[0].slot,
        done: true,
        state: null,
        delay_ms: 0,
        reads: 1,
        failed: false,
        kind: "failed",
        status: null,
        error: null,
      },
    ];
    const { rows } = await sql.query(`SELECT * FROM ${schema}.commit_steps($1::jsonb, '[]')`, [JSON.stringify(late)]);
    expect(rows[0]).toEqual({ applied: null, recorded: null });
    expect(await durableWatcher.counts()).toEqual({ waits: 1, pending: 0, outcomes: 1 });
    expect((await durableWatcher.outcomes())[0]?.kind).toBe("succeeded");
    const seq = await sql.query(`SELECT seq FROM ${schema}.waits WHERE id = $1`, [id]);
    expect(seq.rows[0]?.seq).toBe(1);
  });

  it("follow yields each outcome as it is recorded", async () => {
    const schema = newSchema("follow");
    const durableWatcher = durable(schema);
    const controller = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const outcome of durableWatcher.follow({ signal: controller.signal, intervalMs: 5000 })) {
        seen.push(String(outcome.ref.params.operation_id ?? ""));
        if (seen.length === 2) controller.abort();
      }
    })();
    standIn.add("follow-1", Date.now() + 200);
    standIn.add("follow-2", Date.now() + 400);
    await durableWatcher.enqueueAll([standIn.statusUrl("follow-1"), standIn.statusUrl("follow-2")], FAST);
    await work(durableWatcher);
    // The interval is 5 s: finishing well before shows the notification woke it.
    await until("follow to end", async () => seen.length === 2, 4000);
    await following;
    expect(seen.sort()).toEqual(["follow-1", "follow-2"]);
  });
});

describe("shared across workers", () => {
  it("a pushback seen by one worker holds back every other worker's polls to that origin", async () => {
    const schema = newSchema("pushback");
    const first = durable(schema);
    const second = durable(schema);
    standIn.pushBack(3);
    const pushedAt = Date.now();
    standIn.add("push-0", pushedAt);
    await first.enqueue(standIn.statusUrl("push-0"), FAST);
    const firstWorker = await work(first);
    await until("the pushback to be recorded", async () => {
      const { rows } = await sql.query(`SELECT count(*) AS n FROM ${schema}.pushback`);
      return Number(rows[0]?.n) === 1;
    });
    await firstWorker.stop();

    // A worker that never saw the 429 (another process, another machine) learns it from the database.
    const ids = ["push-1", "push-2", "push-3"];
    for (const id of ids) standIn.add(id, pushedAt);
    await second.enqueueAll(
      ids.map((id) => standIn.statusUrl(id)),
      FAST,
    );
    const secondWorker = await work(second);
    await until("all outcomes", async () => (await second.counts()).outcomes === 4, 20_000);
    const early = standIn.requests.filter((r) => ids.includes(r.id) && r.at < pushedAt + 2500);
    expect(early).toEqual([]);
    expect(secondWorker.stats.deferred).toBeGreaterThanOrEqual(3);
    const outcomes = await second.outcomes();
    expect(outcomes.map((o) => o.kind)).toEqual(["succeeded", "succeeded", "succeeded", "succeeded"]);
  });

  it("requests in flight to one origin stay within maxInFlightPerOrigin across workers", async () => {
    const slow = await startStandIn({ latencyMs: 300 });
    try {
      const schema = newSchema("slots");
      const a = durable(schema, { maxInFlightPerOrigin: 3 }, slow);
      const b = durable(schema, { maxInFlightPerOrigin: 3 }, slow);
      const ids = Array.from({ length: 12 }, (_, i) => `slot-${i}`);
      for (const id of ids) slow.add(id, Date.now());
      await a.enqueueAll(
        ids.map((id) => slow.statusUrl(id)),
        FAST,
      );
      const [wa, wb] = await Promise.all([work(a, 8), work(b, 8)]);
      await until("twelve outcomes", async () => (await a.counts()).outcomes === 12, 30_000);
      expect(slow.maxInFlight).toBeLessThanOrEqual(3);
      expect(slow.maxInFlight).toBeGreaterThanOrEqual(2);
      expect(wa.stats.steps + wb.stats.steps).toBe(12);
    } finally {
      await Promise.all(open.workers.splice(0).map((worker) => worker.stop()));
      await slow.stop();
    }
  });
});
