// `pnpm bench cpu`: per-read CPU of opwatch's get() vs raw fetch + json() and bare openapi-fetch, on an
// in-process stub fetch and on loopback keep-alive (server in a child process). On loopback, get() uses
// the default transport (no fetch option: node:http on Node), as apps do; the raw node:http row shows
// what that transport rides on.
import http from "node:http";
import { createRequire } from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bentley } from "@opwatch/bentley";
import { createWatcher, register } from "opwatch";
import { median, x } from "./stats.mjs";

const OP_PATH = "/schedules/2f9a3c1e-6b2d-4d8e-9f10-7a5b4c3d2e1f/operations/op-bench-999999999";
const BENTLEY_ACCEPT = "application/vnd.bentley.itwin-platform.v1+json";

const RAW = "raw fetch + json()";
const NODE_HTTP = "raw node:http + parse";
const FETCH_OPTION = "get() with fetch opt.";

/** Prints the per-read CPU tables; `base` is the loopback server's URL. */
export async function cpuSection(root, base) {
  const requireFromCore = createRequire(join(root, "packages", "core", "package.json"));
  const openapiFetch = await import(pathToFileURL(requireFromCore.resolve("openapi-fetch")).href);
  const createFetchClient = openapiFetch.default?.default ?? openapiFetch.default;
  const body = JSON.stringify({
    operation: {
      id: "op-bench",
      createdAt: "2026-01-01T00:00:00Z",
      updatedAt: "2026-01-01T00:00:30Z",
      status: "Started",
      subStatus: null,
      percentComplete: 42.5,
      failureDescription: null,
    },
  });
  const stubFetch = async () =>
    new Response(body, { status: 200, headers: { "content-type": BENTLEY_ACCEPT, etag: '"v1"' } });
  const headers = { authorization: "Bearer bench-token-0123456789", accept: BENTLEY_ACCEPT };
  const params = { path: { scheduleId: "2f9a3c1e-6b2d-4d8e-9f10-7a5b4c3d2e1f", operationId: "op-bench-999999999" } };

  // A bare node:http GET + JSON.parse over the global (keep-alive) agent: the floor under the default transport.
  const nodeGet = (url) =>
    new Promise((resolve, reject) => {
      const request = http.request(url, { headers }, (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk) => {
          text += chunk;
        });
        response.on("end", () => resolve(JSON.parse(text)));
        response.on("error", reject);
      });
      request.on("error", reject);
      request.end();
    });
  /** `stub`: the stub fetch, injected everywhere; else loopback, get() with the default transport. */
  const variants = (fetchImpl, baseUrl, stub) => {
    const client = createFetchClient({ baseUrl, fetch: fetchImpl, headers });
    const watcherWith = (fetchOption) =>
      createWatcher({
        providers: [
          register(bentley, {
            token: "bench-token-0123456789",
            baseUrl,
            ...(fetchOption ? { fetch: fetchOption } : {}),
          }),
        ],
      });
    const watcher = watcherWith(stub ? fetchImpl : undefined);
    const ref = watcher.ref(`${baseUrl}${OP_PATH}`);
    const loopbackOnly = {};
    if (!stub) {
      // References: what the default transport rides on, and get() made to read with fetch (before).
      const viaFetch = watcherWith(fetchImpl);
      const refViaFetch = viaFetch.ref(`${baseUrl}${OP_PATH}`);
      loopbackOnly[NODE_HTTP] = async () => {
        await nodeGet(`${baseUrl}${OP_PATH}`);
      };
      loopbackOnly[FETCH_OPTION] = async () => {
        await viaFetch.get(refViaFetch);
      };
    }
    return {
      [RAW]: async () => {
        const response = await fetchImpl(`${baseUrl}${OP_PATH}`, { headers });
        await response.json();
      },
      // A reference, not a target: what any per-request timeout costs on this transport (opwatch's reads
      // must have one; raw fetch has none).
      "fetch + 30 s timeout": async () => {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 30_000);
        const response = await fetchImpl(`${baseUrl}${OP_PATH}`, { headers, signal: controller.signal });
        await response.json();
        clearTimeout(timer);
      },
      "openapi-fetch GET": async () => {
        await client.GET("/schedules/{scheduleId}/operations/{operationId}", { params });
      },
      "opwatch get()": async () => {
        await watcher.get(ref);
      },
      ...loopbackOnly,
    };
  };
  const cpuPerRead = async (fn, reads) => {
    const start = process.cpuUsage();
    for (let i = 0; i < reads; i++) await fn();
    const used = process.cpuUsage(start);
    return (used.user + used.system) / reads;
  };
  // Median over rounds of one variant's CPU over another's, measured in the same round.
  const ratio = (rounds, name, over) => median(rounds[name].map((v, i) => v / rounds[over][i]));
  const measure = async (label, fns, reads, rounds) => {
    for (const fn of Object.values(fns)) await cpuPerRead(fn, Math.ceil(reads / 4)); // warm-up
    const perRound = Object.fromEntries(Object.keys(fns).map((name) => [name, []]));
    // Each round starts with the next variant, so none always follows the same one (and pays for the
    // garbage it left: the collector's work lands on whoever allocates next).
    const entries = Object.entries(fns);
    for (let round = 0; round < rounds; round++) {
      for (let k = 0; k < entries.length; k++) {
        const [name, fn] = entries[(round + k) % entries.length];
        perRound[name].push(await cpuPerRead(fn, reads));
      }
    }
    console.log(`per-read CPU, ${label} (median of ${rounds} interleaved rounds of ${reads} reads)`);
    for (const [name, list] of Object.entries(perRound)) {
      console.log(
        `  ${name.padEnd(22)} ${median(list).toFixed(1).padStart(7)} µs   ${x(ratio(perRound, name, RAW))} raw fetch`,
      );
    }
    return perRound;
  };
  const stub = await measure("in-process stub fetch", variants(stubFetch, "https://api.bentley.com", true), 3000, 7);
  const loop = await measure("loopback keep-alive (server in a child process)", variants(fetch, base, false), 500, 15);
  console.log(
    `  targets: ≤ 2× raw on the stub (now ${x(ratio(stub, "opwatch get()", RAW))}), ≤ 1.15× on loopback (now ${x(ratio(loop, "opwatch get()", RAW))})`,
  );
  // The target compares what users pay; these two say what opwatch adds to the transport it rides on.
  console.log(
    `  opwatch over its own transport on loopback: get() ${x(ratio(loop, "opwatch get()", NODE_HTTP))} raw node:http, get() with the fetch option ${x(ratio(loop, FETCH_OPTION, RAW))} raw fetch\n`,
  );
}
