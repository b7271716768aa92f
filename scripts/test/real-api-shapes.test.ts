// Real APIs whose status needs the newer x-opwatch shapes, generated from their specs in real-apis/ and
// waited on through the facade against a loopback stand-in that answers as each API documents: a
// Kubernetes Job (the outcome in `status.conditions[]`, progress as succeeded / completions) and an Azure
// asynchronous operation (a required `?api-version=` on the status URL, an open set of in-progress words,
// the request id in `x-ms-request-id`).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import type { ProviderDescription } from "@opwatch/core";
import { createWatcher, register, type Watcher } from "opwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpec } from "../generator/spec.mjs";

const dir = join(import.meta.dirname, "real-apis");
let server: Server;
let base: string;
/** The answers still to give, in order (the last repeats), and every request seen. */
let script: { status: number; body?: unknown; headers?: Record<string, string> }[] = [];
const requests: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    const answer = (script.length > 1 ? script.shift() : script[0]) ?? { status: 500 };
    res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers });
    res.end(answer.body === undefined ? "" : JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The spec's description, and its named 200 examples' bodies. */
async function provider(
  file: string,
): Promise<{ description: ProviderDescription; examples: Record<string, unknown> }> {
  const spec = await loadSpec(join(dir, file));
  const id = spec.description.defaultEndpoint;
  type Get = { operationId?: string; responses: Record<string, { content?: Record<string, Media> }> };
  type Media = { examples?: Record<string, { value: unknown }> };
  const items = Object.values<{ get?: Get }>(spec.document.paths);
  const get = items.find((item) => item.get?.operationId === id)?.get;
  const examples = Object.values(get?.responses["200"]?.content ?? {})[0]?.examples ?? {};
  return {
    description: spec.description,
    examples: Object.fromEntries(Object.entries(examples).map(([name, { value }]) => [name, value])),
  };
}

function watcherFor(description: ProviderDescription): Watcher {
  return createWatcher({
    providers: [register({ name: description.name, description }, { token: "tok-real-shapes-5c1", baseUrl: base })],
  });
}

const fast = { minDelayMs: 1, maxDelayMs: 5, maxWaitMs: 10_000, throwOnFailure: false };

describe("a Kubernetes Job, from its spec", () => {
  it("waits queued → running → complete, progress as succeeded of completions", async () => {
    const { description, examples } = await provider("kubernetes-job.yaml");
    script = ["queued", "running", "failureTarget", "complete"].map((name) => ({ status: 200, body: examples[name] }));
    requests.length = 0;
    const seen: [string, number | undefined][] = [];
    const final = await watcherFor(description).wait(`${base}/apis/batch/v1/namespaces/default/jobs/pi/status`, {
      ...fast,
      onProgress: (status) => seen.push([status.state, status.progress]),
    });
    expect(final).toMatchObject({ state: "succeeded", done: true, id: "pi", progress: 1, error: undefined });
    expect(seen).toEqual([
      ["queued", undefined],
      ["running", 1 / 3],
      ["running", undefined],
      ["succeeded", 1],
    ]);
    expect(requests.every((url) => url === "/apis/batch/v1/namespaces/default/jobs/pi/status")).toBe(true);
  });

  it("fails with the reason and message of the Failed condition, whatever its position", async () => {
    const { description, examples } = await provider("kubernetes-job.yaml");
    script = [{ status: 200, body: examples.failed }];
    const final = await watcherFor(description).wait(
      {
        provider: "kubernetes-job",
        endpoint: description.defaultEndpoint,
        params: { namespace: "default", name: "pi" },
        baseUrl: base,
      },
      fast,
    );
    expect(final).toMatchObject({
      state: "failed",
      error: { code: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" },
    });
  });
});

describe("an Azure asynchronous operation, from its spec", () => {
  const path =
    "/subscriptions/9b4c8e0a-2f6d-4e3b-8a1c-5d7e9f0a1b2c/providers/Microsoft.Compute/locations/westus/operations/5ad8e7b4";

  it("sends the status URL's api-version on every poll, keeps it in the ref, and reads any other word as running", async () => {
    const { description, examples } = await provider("azure-async-operation.yaml");
    script = [
      { status: 200, body: examples.Accepted },
      { status: 200, body: { ...(examples.InProgress as object), status: "Creating" } },
      { status: 200, body: examples.InProgress },
      { status: 200, body: examples.Succeeded },
    ];
    requests.length = 0;
    const states: string[] = [];
    const watcher = watcherFor(description);
    const final = await watcher.wait(`${base}${path}?api-version=2024-03-01`, {
      ...fast,
      onProgress: (status) => states.push(`${status.state}:${status.rawStatus}`),
    });
    expect(states).toEqual(["running:Accepted", "running:Creating", "running:InProgress", "succeeded:Succeeded"]);
    expect(final.ref.params).toEqual({
      "api-version": "2024-03-01",
      subscriptionId: "9b4c8e0a-2f6d-4e3b-8a1c-5d7e9f0a1b2c",
      location: "westus",
      operationId: "5ad8e7b4",
    });
    expect(new Set(requests)).toEqual(new Set([`${path}?api-version=2024-03-01`]));
    // A ref read back from JSON polls the same URL; one without api-version sends the spec's default.
    requests.length = 0;
    await watcher.get(JSON.parse(JSON.stringify(final.ref)));
    const { "api-version": _, ...withoutVersion } = final.ref.params;
    await watcher.get({ ...final.ref, params: withoutVersion });
    expect(requests).toEqual([`${path}?api-version=2024-03-01`, `${path}?api-version=2024-07-01`]);
  });

  it("refuses a bad api-version before any request", async () => {
    const { description } = await provider("azure-async-operation.yaml");
    requests.length = 0;
    await expect(watcherFor(description).get(`${base}${path}?api-version=latest`)).rejects.toMatchObject({
      name: "ValidationError",
      message: expect.stringMatching(/query parameter "api-version" must match/),
    });
    expect(requests).toEqual([]);
  });

  it("fails with the operation's error, and an error answer carries the x-ms-request-id", async () => {
    const { description, examples } = await provider("azure-async-operation.yaml");
    script = [{ status: 200, body: examples.Failed }];
    const watcher = watcherFor(description);
    expect(await watcher.wait(`${base}${path}?api-version=2024-07-01`, fast)).toMatchObject({
      state: "failed",
      error: { code: "OSProvisioningTimedOut" },
    });
    // Thrown, the failure names the operation by its path, not by its api-version.
    await expect(
      watcher.wait(`${base}${path}?api-version=2024-07-01`, { ...fast, throwOnFailure: true }),
    ).rejects.toThrow(/operation 9b4c8e0a-2f6d-4e3b-8a1c-5d7e9f0a1b2c\/westus\/5ad8e7b4 ended failed/);
    script = [
      {
        status: 404,
        headers: { "x-ms-request-id": "a1b2c3d4-0000-4000-8000-000000000001" },
        body: { error: { code: "NotFound", message: "The operation was not found." } },
      },
    ];
    await expect(watcher.get(`${base}${path}?api-version=2024-07-01`)).rejects.toMatchObject({
      name: "NotFoundError",
      code: "NotFound",
      requestId: "a1b2c3d4-0000-4000-8000-000000000001",
    });
  });
});
