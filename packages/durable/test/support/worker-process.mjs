// @ts-check
// One durable worker process for the real-process tests, the demo and the bench. Configured by
// environment variables; prints one JSON line per event on stdout; stops cleanly on SIGTERM.
import { sourcecraft } from "@opwatch/sourcecraft";
import { createWatcher, register } from "opwatch";
import { createDurableWatcher } from "../../dist/index.js";

const env = process.env;
const watcher = createWatcher({
  providers: [register(sourcecraft, { token: "durable-token", baseUrl: env.STAND_IN_URL })],
});
const durable = createDurableWatcher({
  watcher,
  connectionString: env.DATABASE_URL,
  schema: env.DURABLE_SCHEMA ?? "opwatch",
  maxInFlightPerOrigin: Number(env.MAX_IN_FLIGHT ?? 16),
  stepTimeoutSeconds: Number(env.STEP_TIMEOUT_SECONDS ?? 60),
});
const quiet = env.QUIET === "1";
const out = (/** @type {Record<string, unknown>} */ line) => process.stdout.write(`${JSON.stringify(line)}\n`);
const worker = await durable.work({
  concurrency: Number(env.CONCURRENCY ?? 16),
  maintenanceIntervalMs: Number(env.MAINTENANCE_MS ?? 5000),
  onEvent: (event) => {
    if (event.type === "error") out({ type: "error", error: event.error });
    else if (!quiet) out(event);
  },
});
out({ type: "ready", pid: process.pid });
process.once("SIGTERM", async () => {
  await worker.stop();
  const cpu = process.cpuUsage();
  out({ type: "stopped", stats: worker.stats, cpuMs: (cpu.user + cpu.system) / 1000 });
  await durable.stop();
  process.exit(0);
});
