// `pnpm bench bodies`: peak RSS growth while 16 reads at once each get a 200 MB body from a loopback server (a
// child process), opwatch's get() (default transport, node:http; and with the fetch option) beside a raw
// `fetch` + `arrayBuffer()` doing the same. Each side runs in a fresh process, RSS sampled every 5 ms.
// Run as `node bodies.mjs serve` (the server) or `node bodies.mjs measure <base> <mode>` (one side).
import { spawn } from "node:child_process";
import http from "node:http";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { x } from "./stats.mjs";

const READS = 16;
const BODY_BYTES = 200 * 1024 * 1024;
const TOKEN = "bench-bodies-token";
const here = dirname(fileURLToPath(import.meta.url));

function serve() {
  const chunk = Buffer.alloc(256 * 1024, 0x20);
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    let sent = 0;
    const pump = () => {
      while (sent < BODY_BYTES && !res.destroyed) {
        sent += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!res.destroyed) res.end();
    };
    res.on("error", () => undefined);
    pump();
  });
  server.listen(0, "127.0.0.1", () => console.log(JSON.stringify({ port: server.address().port })));
}

async function measure(base, mode) {
  const { createWatcher, register } = await import("opwatch");
  const { sourcecraft } = await import("@opwatch/sourcecraft");
  const options = { token: TOKEN, baseUrl: base, ...(mode === "opwatch/fetch" ? { fetch: globalThis.fetch } : {}) };
  const watcher = createWatcher({ providers: [register(sourcecraft, options)] });
  const endpoint = sourcecraft.description.defaultEndpoint;
  const param = sourcecraft.description.endpoints[endpoint].pathParams[0].name;
  const ref = { provider: "sourcecraft", endpoint, params: { [param]: "op1" }, baseUrl: base };
  globalThis.gc?.();
  const baseline = process.memoryUsage().rss;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 5);
  const started = performance.now();
  const outcomes = await Promise.all(
    Array.from({ length: READS }, async () => {
      try {
        if (mode === "raw fetch") {
          const response = await fetch(`${base}/operations/op1`, { headers: { authorization: `Bearer ${TOKEN}` } });
          const body = await response.arrayBuffer();
          return `${body.byteLength} bytes read`;
        }
        await watcher.get(ref);
        return "read";
      } catch (error) {
        return `${error.name}: ${String(error.message).slice(0, 60)}`;
      }
    }),
  );
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  const seconds = (performance.now() - started) / 1000;
  console.log(
    JSON.stringify({ mode, growthMb: Math.round((peak - baseline) / 2 ** 20), seconds, outcome: outcomes[0] }),
  );
}

/** Runs the section; returns the failures to report. */
export async function bodiesSection() {
  const failures = [];
  const server = spawn(process.execPath, [join(here, "bodies.mjs"), "serve"], { stdio: ["ignore", "pipe", "inherit"] });
  const port = await new Promise((resolve) => server.stdout.once("data", (data) => resolve(JSON.parse(data).port)));
  const base = `http://127.0.0.1:${port}`;
  const side = (mode) =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, ["--expose-gc", join(here, "bodies.mjs"), "measure", base, mode], {
        stdio: ["ignore", "pipe", "inherit"],
      });
      let out = "";
      const limit = setTimeout(() => child.kill("SIGKILL"), 120_000);
      child.stdout.on("data", (chunk) => {
        out += chunk;
      });
      child.on("exit", () => {
        clearTimeout(limit);
        try {
          resolve(JSON.parse(out));
        } catch {
          resolve({ mode, failed: `no result (killed after 120 s or crashed): ${out.slice(0, 200)}` });
        }
      });
    });
  console.log(
    `bodies: ${READS} reads at once, each answered with a ${BODY_BYTES / 2 ** 20} MB body (loopback, child process)`,
  );
  console.log("  client          peak RSS growth    time   outcome of a read");
  const results = {};
  for (const mode of ["opwatch", "opwatch/fetch", "raw fetch"]) {
    const result = await side(mode);
    results[mode] = result;
    if (result.failed) {
      console.log(`  ${mode.padEnd(14)}  ${result.failed}`);
      failures.push(`bodies ${mode}: ${result.failed}`);
      continue;
    }
    console.log(
      `  ${mode.padEnd(14)}  ${`${result.growthMb} MB`.padStart(15)}  ${`${result.seconds.toFixed(1)} s`.padStart(6)}   ${result.outcome}`,
    );
  }
  const [a, b] = [results.opwatch, results["raw fetch"]];
  if (a && b && !a.failed && !b.failed) {
    console.log(`  ratio opwatch / raw fetch: ${x(Math.max(1, a.growthMb) / Math.max(1, b.growthMb))} of the memory`);
  }
  for (const mode of ["opwatch", "opwatch/fetch"]) {
    const result = results[mode];
    if (result && !result.failed && result.growthMb > 100)
      failures.push(`bodies ${mode}: ${result.growthMb} MB > 100 MB`);
  }
  console.log("  target: opwatch's peak RSS growth ≤ 100 MB (each read cut at maxBodyBytes, 1 MiB by default)\n");
  server.kill();
  return failures;
}

if (process.argv[2] === "serve") serve();
else if (process.argv[2] === "measure") await measure(process.argv[3], process.argv[4]);
