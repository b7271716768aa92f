#!/usr/bin/env node
// @ts-check
// `pnpm demo`: waits on one operation per provider through the opwatch facade, against local stand-ins
// (loopback servers whose every answer is validated against the provider's spec). No account needed.
import { bentley } from "@opwatch/bentley";
import { ecl } from "@opwatch/ecl";
import { keycard } from "@opwatch/keycard";
import { sourcecraft } from "@opwatch/sourcecraft";
import { examplesOf, startScriptedServer } from "@opwatch/testkit";
import { createWatcher, register } from "opwatch";

const t0 = Date.now();
const ok = (/** @type {unknown} */ body, /** @type {Record<string, string>} */ headers = {}) => ({
  status: 200,
  body,
  headers,
});
/** @param {any} body @param {(copy: any) => void} change */
const tweak = (body, change) => {
  const copy = structuredClone(body);
  change(copy);
  return copy;
};

const sc = examplesOf("sourcecraft", "getSecretOperation", "200");
const kc = examplesOf("keycard", "getCatalogTask", "200");
const bt = /** @type {Record<string, any>} */ (examplesOf("bentley", "getScheduleOperation", "200"));
const ec = examplesOf("ecl", "getOperation", "200");
const btAt = (/** @type {number} */ pct) => tweak(bt.started, (b) => (b.operation.percentComplete = pct));

const stands = [
  {
    name: "sourcecraft",
    module: sourcecraft,
    operationId: "getSecretOperation",
    path: "/operations/secrets/id:7f1c2b9e-secret-op",
    script: [ok(sc.scheduled), ok(sc.in_progress), ok(sc.in_progress), ok(sc.success)],
  },
  {
    name: "keycard",
    module: keycard,
    operationId: "getCatalogTask",
    path: "/zones/zone_5hq2c8/catalog_tasks/task_3kd9x1",
    script: [
      ok(kc.pending),
      {
        status: 429,
        body: examplesOf("keycard", "getCatalogTask", "429").rate_limit_exceeded,
        headers: { "Retry-After": "1" },
      },
      ok(kc.running),
      { status: 303, headers: { Location: "/zones/zone_5hq2c8/installs/inst_7tq4zb" } },
    ],
  },
  {
    name: "bentley",
    module: bentley,
    operationId: "getScheduleOperation",
    path: "/schedules/2f9a3c1e-6b2d-4d8e-9f10-7a5b4c3d2e1f/operations/bdc8fb5d-ce72-42f9-8818-bb2942927428",
    // Answers 304 whenever the client already holds the current ETag.
    script: bentleyScript([ok(bt.queued), ok(btAt(25)), ok(btAt(25)), ok(btAt(70)), ok(bt.succeeded)]),
  },
  {
    name: "ecl",
    module: ecl,
    operationId: "getOperation",
    path: "/v1.0/operations/75aab8db-8632-42b4-af2f-06b5820798ef",
    script: [ok(ec.processing), ok(ec.processing), ok(ec.completeSampleForm)],
  },
];

/** @param {{ status: number, body: any, headers: Record<string, string> }[]} bodies */
function bentleyScript(bodies) {
  let served = 0;
  return (/** @type {{ headers: Record<string, string | undefined> }} */ request) => {
    const step = bodies[Math.min(served, bodies.length - 1)];
    if (!step) throw new Error("empty script");
    const etag = `"v${JSON.stringify(step.body).length}-${step.body.operation.percentComplete}"`;
    served += 1;
    if (request.headers["if-none-match"] === etag) return { status: 304, headers: { ETag: etag } };
    return { ...step, headers: { ETag: etag } };
  };
}

const servers = await Promise.all(
  stands.map((stand) => startScriptedServer(stand.name, { operationId: stand.operationId, script: stand.script })),
);
try {
  const watcher = createWatcher({
    providers: stands.map((stand, i) =>
      register(stand.module, { token: `demo-token-${stand.name}`, baseUrl: servers[i]?.url }),
    ),
    polling: { minDelayMs: 150, maxDelayMs: 600, maxWaitMs: 60_000 },
  });
  console.log("opwatch demo: one operation per provider, polled through the facade against local stand-ins\n");
  const results = await Promise.all(
    stands.map(async (stand, i) => {
      const url = `${servers[i]?.url}${stand.path}`;
      const final = await watcher.wait(url, {
        onRetry: (error, delayMs) =>
          console.log(
            `${elapsed()}  ${stand.name.padEnd(12)} HTTP ${error.httpStatus}, retrying in ${(delayMs / 1000).toFixed(1)} s (${error.name})`,
          ),
        onProgress: (status) => {
          const pct = status.progress === undefined ? "" : ` ${Math.round(status.progress * 100)}%`;
          const extra = status.resultUrl ? ` -> ${status.resultUrl}` : "";
          console.log(
            `${elapsed()}  ${stand.name.padEnd(12)} ${status.state.padEnd(9)}${pct} (${status.rawStatus ?? `HTTP 303`})${extra}`,
          );
        },
      });
      return { name: stand.name, final, polls: servers[i]?.requests.length ?? 0 };
    }),
  );
  console.log("");
  for (const { name, final, polls } of results) {
    console.log(`${name.padEnd(12)} ${final.state} after ${polls} request(s); ref ${JSON.stringify(final.ref)}`);
  }
  console.log(`\nAll ${results.length} operations done in ${elapsed().trim()}.`);
} finally {
  await Promise.all(servers.map((server) => server.stop()));
}

function elapsed() {
  return `[${((Date.now() - t0) / 1000).toFixed(2).padStart(5)}s]`;
}

// Durable waits (@opwatch/durable): Postgres from npm, a worker killed mid-wait, every outcome once.
await (await import("./demo-durable.mjs")).durableDemo();
