// `pnpm bench heap`: what one sleeping wait holds, in a fresh process each, after forced GCs: 10,000
// waits through the facade (stub fetch) vs the same 10,000 waits written by hand (a timer, the last
// parsed body and a promise each), each side beside a first batch of as many waits left sleeping (the
// JIT's code is the process's, not the second batch's). 10,000 waits cost about 4× this in peak RSS (V8 lets the old
// generation grow to ~4× what survives a mark-compact), so it is the facade's lever on the load figures.
import { spawn } from "node:child_process";
import { x } from "./stats.mjs";

const WAITS = 10_000;

// Both sides: the same stub answer, 10,000 waits that each read once and then sleep for 10 minutes.
const prelude = `
const N = ${WAITS};
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
const settle = async () => {
  for (let i = 0; i < 4; i++) { gc(); await new Promise((r) => setTimeout(r, 10)); }
};
const report = async (before, expected) => {
  while (reads < expected) await new Promise((r) => setTimeout(r, 10));
  await settle();
  console.log(JSON.stringify({ perWait: (process.memoryUsage().heapUsed - before) / N }));
  process.exit(0);
};
`;

const sides = {
  opwatch: `${prelude}
import { createWatcher, register } from "opwatch";
import { bentley } from "@opwatch/bentley";
const watcher = createWatcher({
  providers: [register(bentley, { token: "tok_heap_0123456789", fetch })],
  polling: { minDelayMs: 600000, maxDelayMs: 600000 },
  maxInFlightPerOrigin: 64,
});
const ref = (i) => ({ provider: "bentley", endpoint: "getScheduleOperation", baseUrl: "https://api.bentley.com",
  params: { scheduleId: "s", operationId: "op-" + i } });
// Warm-up: a first batch of N waits, left sleeping, so that the code the JIT compiles on the way is not
// counted as the second batch's memory.
const warming = [];
for (let i = 0; i < N; i++) warming.push(watcher.wait(ref(-1 - i)));
while (reads < N) await new Promise((r) => setTimeout(r, 10));
await settle();
const before = process.memoryUsage().heapUsed;
const waits = [];
for (let i = 0; i < N; i++) waits.push(watcher.wait(ref(i)));
await report(before, 2 * N);
`,
  "hand-rolled": `${prelude}
const one = async (i) => {
  let last;
  for (;;) {
    const response = await fetch("https://api.bentley.com/schedules/s/operations/op-" + i);
    last = await response.json();
    if (last.operation.status === "Succeeded") return last;
    await new Promise((resolve) => setTimeout(resolve, 600000));
  }
};
// The same warm-up: a first batch of N waits, left sleeping.
const warming = [];
for (let i = 0; i < N; i++) warming.push(one(-1 - i));
while (reads < N) await new Promise((r) => setTimeout(r, 10));
await settle();
const before = process.memoryUsage().heapUsed;
const waits = [];
for (let i = 0; i < N; i++) waits.push(one(i));
await report(before, 2 * N);
`,
};

const measure = (source, root) =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ["--expose-gc", "--input-type=module", "-e", source], {
      cwd: `${root}/packages/opwatch`,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => {
      out += chunk;
    });
    child.on("exit", () => {
      try {
        resolve(JSON.parse(out).perWait);
      } catch {
        resolve(Number.NaN);
      }
    });
  });

/** Prints the heap-per-wait table; false when a side did not report. */
export async function heapSection(root) {
  console.log(`heap: what one sleeping wait holds (${WAITS.toLocaleString("en")} waits, stub fetch, after forced GCs)`);
  const result = {};
  for (const [name, source] of Object.entries(sides)) {
    result[name] = await measure(source, root);
    console.log(`  ${name.padEnd(12)} ${String(Math.round(result[name])).padStart(6)} B per wait`);
  }
  console.log(`  ratio        ${x(result.opwatch / result["hand-rolled"])} hand-rolled\n`);
  return Object.values(result).every(Number.isFinite);
}
