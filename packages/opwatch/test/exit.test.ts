// An aborted wait must leave nothing behind: a process whose only work was that wait exits at once.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { startScriptedServer } from "@opwatch/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixtures } from "./support/fixtures.js";

const bentley = fixtures.find((f) => f.name === "bentley");
if (!bentley) throw new Error("no bentley fixture");
let server: Awaited<ReturnType<typeof startScriptedServer>>;
beforeAll(async () => {
  server = await startScriptedServer("bentley", { operationId: bentley.operationId, script: [bentley.running] });
});
afterAll(() => server.stop());

// Runs in a child process against the built packages (dist), as an app would.
const child = `
import { createWatcher, register, AbortError } from "opwatch";
import { bentley } from "@opwatch/bentley";
const watcher = createWatcher({ providers: [register(bentley, { token: "t0k3n-value", baseUrl: process.env.BASE })] });
const controller = new AbortController();
const started = Date.now();
watcher
  .wait(process.env.BASE + process.env.OP_PATH, {
    signal: controller.signal,
    minDelayMs: 600000,
    maxDelayMs: 600000,
    onProgress: () => setTimeout(() => controller.abort(), 10),
  })
  .catch((error) => {
    console.log(JSON.stringify({ name: error.name, isAbort: error instanceof AbortError, ms: Date.now() - started }));
  });
`;

describe("abort", () => {
  it("rejects promptly and the process exits without waiting on timers", async () => {
    const cwd = fileURLToPath(new URL("..", import.meta.url));
    const started = Date.now();
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const proc = spawn(process.execPath, ["--input-type=module", "-e", child], {
        cwd,
        env: { ...process.env, BASE: server.url, OP_PATH: bentley.path },
      });
      let out = "";
      proc.stdout.on("data", (d) => {
        out += d;
      });
      proc.stderr.on("data", (d) => {
        out += d;
      });
      proc.on("exit", (exitCode) => resolve({ code: exitCode, stdout: out }));
    });
    const elapsed = Date.now() - started;
    expect(code).toBe(0);
    const result = JSON.parse(stdout.trim());
    expect(result).toMatchObject({ name: "AbortError", isAbort: true });
    expect(result.ms).toBeLessThan(5_000);
    // Node start-up and import take a second or two on a loaded machine; a leaked 10-minute timer would
    // hold the process for 600 s.
    expect(elapsed).toBeLessThan(20_000);
  }, 60_000);
});
