// What a sleeping wait holds: 10,000 waits in one process cost about 4x this in peak RSS (V8 lets the old
// generation grow to ~4x what survives a mark-compact), so it is held to a budget.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// Runs in a child process against the built packages (dist), with a stub fetch, after forced GCs.
const child = `
import { createWatcher, register } from "opwatch";
import { bentley } from "@opwatch/bentley";
const N = 10000;
const created = new Date().toISOString();
let reads = 0;
const fetch = async (input) => {
  reads++;
  const url = typeof input === "string" ? input : input.url;
  const id = url.slice(url.lastIndexOf("/") + 1);
  const operation = { id, createdAt: created, updatedAt: created, status: "Started", subStatus: null,
    percentComplete: null, failureDescription: null };
  return new Response(JSON.stringify({ operation }), { headers: { "content-type": "application/json" } });
};
const watcher = createWatcher({
  providers: [register(bentley, { token: "tok_memory_0123456789", fetch })],
  polling: { minDelayMs: 600000, maxDelayMs: 600000 },
  maxInFlightPerOrigin: 64,
});
const ref = (i) => ({ provider: "bentley", endpoint: "getScheduleOperation", baseUrl: "https://api.bentley.com",
  params: { scheduleId: "s", operationId: "op-" + i } });
const settle = async () => {
  for (let i = 0; i < 4; i++) { gc(); await new Promise((r) => setTimeout(r, 10)); }
};
const warm = new AbortController();
await watcher.wait(ref(-1), { signal: warm.signal, onProgress: () => warm.abort() }).catch(() => undefined);
await settle();
const before = process.memoryUsage().heapUsed;
const waits = [];
for (let i = 0; i < N; i++) waits.push(watcher.wait(ref(i)));
while (reads < N + 1) await new Promise((r) => setTimeout(r, 10));
await settle();
console.log(JSON.stringify({ perWait: (process.memoryUsage().heapUsed - before) / N, waits: waits.length }));
process.exit(0);
`;

describe("memory", () => {
  it("a sleeping wait holds under 1.25 kB: its state, its last status (compact) and its promise", async () => {
    const cwd = fileURLToPath(new URL("..", import.meta.url));
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
      (resolve) => {
        const proc = spawn(process.execPath, ["--expose-gc", "--input-type=module", "-e", child], { cwd });
        let stdout = "";
        let stderr = "";
        proc.stdout.on("data", (chunk) => {
          stdout += chunk;
        });
        proc.stderr.on("data", (chunk) => {
          stderr += chunk;
        });
        proc.on("exit", (code) => resolve({ code, stdout, stderr }));
      },
    );
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const { perWait } = JSON.parse(stdout) as { perWait: number };
    // 1.43 kB before the wait kept its status compact and held its own state (session 3); ~1.0-1.05 kB after.
    expect(perWait).toBeLessThan(1250);
  }, 60_000);
});
