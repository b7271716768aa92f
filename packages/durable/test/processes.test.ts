// Real worker processes against a real Postgres: one killed with SIGKILL in the middle of a read,
// another started after it; two sharing the work. Each wait must end with exactly one outcome.
import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DurableWatcher, Outcome } from "../src/index.js";
import { databaseUrl, durableFor, FAST, newSchema, until } from "./support/harness.js";
import { type StandIn, startStandIn } from "./support/stand-in.mjs";

const WORKER = fileURLToPath(new URL("./support/worker-process.mjs", import.meta.url));

interface WorkerProcess {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  stderr: string[];
  ready: Promise<void>;
  exited: Promise<number | null>;
}

const children: WorkerProcess[] = [];
let standIn: StandIn;
let durableWatcher: DurableWatcher | undefined;

function startWorker(schema: string, env: Record<string, string> = {}): WorkerProcess {
  const child = spawn(process.execPath, [WORKER], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl(),
      STAND_IN_URL: standIn.url,
      DURABLE_SCHEMA: schema,
      STEP_TIMEOUT_SECONDS: "2",
      MAINTENANCE_MS: "500",
      CONCURRENCY: "8",
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).on("line", (line) => {
    const parsed = JSON.parse(line) as Record<string, unknown>;
    lines.push(parsed);
    if (parsed.type === "ready") onReady();
  });
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const worker = { child, lines, stderr, ready, exited };
  children.push(worker);
  return worker;
}

const ready = (worker: WorkerProcess) =>
  Promise.race([
    worker.ready,
    worker.exited.then((code) => {
      throw new Error(`worker exited (${code}) before it was ready: ${worker.stderr.join("")}`);
    }),
  ]);

const recorded = (worker: WorkerProcess) => worker.lines.filter((line) => line.type === "outcome").length;

beforeAll(async () => {
  standIn = await startStandIn();
});
afterEach(async () => {
  for (const worker of children.splice(0)) {
    if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill("SIGKILL");
    await worker.exited;
  }
  await durableWatcher?.stop();
  durableWatcher = undefined;
});
afterAll(async () => {
  await standIn?.stop();
});

describe("worker processes", () => {
  it("a worker killed with SIGKILL mid-read loses nothing: another finishes its waits, one outcome each", async () => {
    const schema = newSchema("sigkill");
    durableWatcher = durableFor(standIn, schema, { stepTimeoutSeconds: 2 });
    const hooked: Outcome[] = [];
    await durableWatcher.onOutcome((outcome) => {
      hooked.push(outcome);
    });
    const ids = Array.from({ length: 10 }, (_, i) => `kill-${i}`);
    const now = Date.now();
    for (const id of ids) standIn.add(id, now + 1500);
    standIn.add("kill-held", now);
    let held: () => void = () => {};
    const heldRead = new Promise<void>((resolve) => {
      held = resolve;
    });
    // The first read of kill-held never gets an answer: the worker is inside its step when it dies.
    let holds = 0;
    standIn.hold((id) => {
      if (id !== "kill-held") return false;
      holds += 1;
      return holds === 1;
    });
    const first = startWorker(schema);
    await ready(first);
    const onHold = setInterval(() => {
      if (holds > 0) held();
    }, 20);
    await durableWatcher.enqueueAll(
      [...ids, "kill-held"].map((id) => standIn.statusUrl(id)),
      FAST,
    );
    await heldRead;
    clearInterval(onHold);
    first.child.kill("SIGKILL");
    expect(await first.exited).toBe(null);
    expect(first.child.signalCode).toBe("SIGKILL");
    expect(await durableWatcher.outcome(standIn.statusUrl("kill-held"))).toBeUndefined();
    standIn.hold(undefined);

    const second = startWorker(schema);
    await ready(second);
    await until("eleven outcomes", async () => (await durableWatcher?.counts())?.outcomes === 11, 40_000);
    const outcomes = await durableWatcher.outcomes();
    expect(outcomes.map((o) => o.kind)).toEqual(Array(11).fill("succeeded"));
    expect(new Set(outcomes.map((o) => o.waitId)).size).toBe(11);
    // The killed read was sent again by the second worker, once its step was taken to be lost.
    const heldOutcome = outcomes.find((o) => o.ref.params.operation_id === "kill-held");
    expect(heldOutcome?.requests).toBeGreaterThanOrEqual(1);
    expect(standIn.operations.get("kill-held")?.requests.length).toBeGreaterThanOrEqual(1);
    expect(standIn.requests.filter((r) => r.id === "kill-held").length).toBeGreaterThanOrEqual(2);
    // The hook saw each outcome once.
    await until("the hook to see all eleven", () => hooked.length >= 11);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hooked.map((o) => o.waitId).sort()).toEqual(outcomes.map((o) => o.waitId).sort());
    second.child.kill("SIGTERM");
    expect(await second.exited).toBe(0);
    // Between the two processes no outcome was recorded twice (the killed one may have died between
    // a commit and its report of it, hence at most).
    expect(recorded(first) + recorded(second)).toBeLessThanOrEqual(11);
    expect(recorded(second)).toBeGreaterThanOrEqual(1);
  });

  it("two worker processes share the waits, and each wait ends once", async () => {
    const schema = newSchema("share");
    durableWatcher = durableFor(standIn, schema, { stepTimeoutSeconds: 2 });
    const ids = Array.from({ length: 60 }, (_, i) => `share-${i}`);
    const now = Date.now();
    ids.forEach((id, i) => {
      standIn.add(id, now + 300 + (i % 10) * 120, i % 7 === 0 ? "failed" : "success");
    });
    const workers = [startWorker(schema), startWorker(schema)];
    await Promise.all(workers.map(ready));
    await durableWatcher.enqueueAll(
      ids.map((id) => standIn.statusUrl(id)),
      FAST,
    );
    await until("sixty outcomes", async () => (await durableWatcher?.counts())?.outcomes === 60, 40_000);
    const outcomes = await durableWatcher.outcomes();
    expect(outcomes.filter((o) => o.kind === "failed").length).toBe(ids.filter((_, i) => i % 7 === 0).length);
    expect(outcomes.filter((o) => o.kind === "succeeded").length).toBe(60 - 9);
    for (const worker of workers) worker.child.kill("SIGTERM");
    expect(await Promise.all(workers.map((worker) => worker.exited))).toEqual([0, 0]);
    // Once both have exited (their output complete): each outcome was recorded by one of them, once,
    // and both ran steps.
    expect(workers.map(recorded).reduce((a, b) => a + b)).toBe(60);
    for (const worker of workers) expect(worker.lines.filter((line) => line.type === "step").length).toBeGreaterThan(0);
  });
});
