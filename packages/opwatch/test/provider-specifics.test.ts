// What only some providers do: Bentley's ETag/304, ECL's zone-less dates, Keycard's 303 to the install.
import { bentley } from "@opwatch/bentley";
import { ecl } from "@opwatch/ecl";
import { keycard } from "@opwatch/keycard";
import { examplesOf, type ScriptedServer, type ScriptStep, startScriptedServer } from "@opwatch/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createWatcher, type OperationStatus, register } from "../src/index.js";
import { TOKEN } from "./support/fixtures.js";

const FAST = { minDelayMs: 5, maxDelayMs: 20 };
const servers: ScriptedServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
async function start(spec: string, operationId: string, script: Parameters<typeof startScriptedServer>[1]["script"]) {
  const server = await startScriptedServer(spec, { operationId, script });
  servers.push(server);
  return server;
}

describe("Bentley: conditional polling", () => {
  it("sends If-None-Match with the last ETag; a 304 is no change and the wait goes on", async () => {
    const bt = examplesOf("bentley", "getScheduleOperation", "200");
    const answers: ScriptStep[] = [
      { status: 200, body: bt.started, headers: { ETag: '"v1"' } },
      { status: 304, headers: { ETag: '"v1"' } },
      { status: 304, headers: { ETag: '"v1"' } },
      { status: 200, body: bt.succeeded, headers: { ETag: '"v2"' } },
    ];
    const server = await start("bentley", "getScheduleOperation", answers);
    const watcher = createWatcher({
      providers: [register(bentley, { token: TOKEN, baseUrl: server.url })],
      polling: FAST,
    });
    const seen: OperationStatus[] = [];
    const final = await watcher.wait(`${server.url}/schedules/s1/operations/o1`, { onProgress: (s) => seen.push(s) });
    expect(seen.map((s) => [s.state, s.progress])).toEqual([
      ["running", 0.425],
      ["succeeded", 1],
    ]);
    expect(final.raw).toEqual(bt.succeeded);
    expect(server.requests.map((r) => r.headers["if-none-match"])).toEqual([undefined, '"v1"', '"v1"', '"v1"']);
    expect(server.requests.every((r) => r.headers.accept === "application/vnd.bentley.itwin-platform.v1+json")).toBe(
      true,
    );
  });
});

describe("ECL: dates", () => {
  it("exposes both zone-less forms as UTC dates", async () => {
    const ec = examplesOf("ecl", "getOperation", "200") as Record<string, { operation: Record<string, string> }>;
    const server = await start("ecl", "getOperation", [
      { status: 200, body: ec.processing },
      { status: 200, body: ec.completeSampleForm },
    ]);
    const watcher = createWatcher({ providers: [register(ecl, { token: TOKEN, baseUrl: server.url })], polling: FAST });
    const seen: OperationStatus[] = [];
    await watcher.wait(`${server.url}/v1.0/operations/75aab8db-8632-42b4-af2f-06b5820798ef`, {
      onProgress: (s) => seen.push(s),
    });
    const [first, last] = seen as [OperationStatus, OperationStatus];
    const dashed = ec.processing?.operation.reception_datetime as string;
    expect(dashed).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(first.createdAt?.toISOString()).toBe(`${dashed.replace(" ", "T")}.000Z`);
    expect(last.rawStatus).toBe("Complete");
    expect(last.state).toBe("succeeded");
    expect(last.createdAt?.toISOString()).toBe("2017-11-27T21:35:38.000Z");
    expect(last.updatedAt?.toISOString()).toBe("2017-11-27T21:46:21.000Z");
    expect(server.requests.every((r) => r.headers["x-auth-token"] === TOKEN)).toBe(true);
  });

  it("ends STUCK as failed with code STUCK", async () => {
    const ec = examplesOf("ecl", "getOperation", "200");
    const server = await start("ecl", "getOperation", [{ status: 200, body: ec.stuck }]);
    const watcher = createWatcher({ providers: [register(ecl, { token: TOKEN, baseUrl: server.url })], polling: FAST });
    const final = await watcher.wait(`${server.url}/v1.0/operations/75aab8db-8632-42b4-af2f-06b5820798ef`, {
      throwOnFailure: false,
    });
    expect(final).toMatchObject({ state: "failed", done: true, rawStatus: "STUCK", error: { code: "STUCK" } });
  });
});

describe("Keycard: 303 to the install", () => {
  it("reports completed without following the redirect, exposing the install's URL", async () => {
    const kc = examplesOf("keycard", "getCatalogTask", "200");
    const server = await start("keycard", "getCatalogTask", [
      { status: 200, body: kc.running },
      { status: 303, headers: { Location: "/zones/z1/installs/inst_7tq4zb" } },
    ]);
    const watcher = createWatcher({
      providers: [register(keycard, { token: TOKEN, baseUrl: server.url })],
      polling: FAST,
    });
    const final = await watcher.wait(`${server.url}/zones/z1/catalog_tasks/t1`);
    expect(final).toMatchObject({
      state: "succeeded",
      done: true,
      id: "t1",
      resultUrl: `${server.url}/zones/z1/installs/inst_7tq4zb`,
      raw: undefined,
    });
    expect(server.requests.map((r) => r.url)).toEqual(["/zones/z1/catalog_tasks/t1", "/zones/z1/catalog_tasks/t1"]);
  });
});
