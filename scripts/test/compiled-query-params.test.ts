// The provider compiler writes a poll endpoint's required query parameter (Azure's `api-version`) out as code:
// the generated src/generated/provider.ts, bundled as an app would, checks it like a path parameter (the spec's
// default when none is given), sends it on every read and reads it back from a status URL into the ref.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import type { ProviderModule } from "@opwatch/core";
import { build } from "esbuild";
import { createWatcher, register } from "opwatch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderPackage } from "../generator/render-package.mjs";
import { loadSpec } from "../generator/spec.mjs";

const root = join(import.meta.dirname, "..", "..");
const work = mkdtempSync(join(tmpdir(), "opwatch-compiled-query-"));
const PATH = "/subscriptions/s1/operations/{operationId}";
const spec = {
  openapi: "3.1.0",
  info: { title: "Versioned", version: "1", license: { name: "MIT", identifier: "MIT" } },
  servers: [{ url: "https://management.versioned.test" }],
  security: [{ bearer: [] }],
  "x-opwatch": {
    displayName: "Versioned",
    poll: ["getOperation"],
    id: "/name",
    status: { pointer: "/status", map: { InProgress: "running", Succeeded: "succeeded", Failed: "failed" } },
  },
  paths: {
    [PATH]: {
      get: {
        operationId: "getOperation",
        summary: "Reads one operation.",
        parameters: [
          { name: "operationId", in: "path", required: true, schema: { type: "string" }, example: "op-1" },
          {
            name: "api-version",
            in: "query",
            required: true,
            schema: { type: "string", default: "2024-07-01", pattern: "^\\d{4}-\\d{2}-\\d{2}(-preview)?$" },
          },
        ],
        responses: {
          "200": {
            description: "The operation.",
            content: {
              "application/json": {
                schema: {
                  type: "object",
                  properties: { name: { type: "string" }, status: { type: "string" } },
                },
              },
            },
          },
          "404": { description: "Not found." },
        },
      },
    },
  },
  components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
};

let provider: ProviderModule<unknown>;
let source: string;
let server: Server;
let base: string;
const requests: string[] = [];

beforeAll(async () => {
  const file = join(work, "versioned.yaml");
  writeFileSync(file, JSON.stringify(spec));
  const files = await renderPackage(await loadSpec(file), undefined, "packages/providers/versioned");
  source = files["src/generated/provider.ts"] ?? "";
  writeFileSync(join(work, "provider.ts"), source);
  writeFileSync(join(work, "description.ts"), files["src/generated/description.ts"] ?? "");
  // Bundled as an app would bundle it, from the workspace's @opwatch/core.
  await build({
    entryPoints: [join(work, "provider.ts")],
    bundle: true,
    format: "esm",
    platform: "node",
    nodePaths: [join(root, "node_modules")],
    outfile: join(work, "provider.mjs"),
    logLevel: "silent",
  });
  ({ provider } = await import(pathToFileURL(join(work, "provider.mjs")).href));
  server = createServer((req, res) => {
    requests.push(req.url ?? "");
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ name: "op-1", status: "Succeeded" }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 60_000);
afterAll(async () => {
  rmSync(work, { recursive: true, force: true });
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
});

describe("a required query parameter, compiled", () => {
  it("is code in the generated provider, not a description read at run time", () => {
    expect(source).toContain("?api-version=${encodeURIComponent(");
    expect(source).not.toContain("describedProvider");
  });

  it("is checked (the default when none is given) and sent on every read, and kept in the ref", async () => {
    const watcher = createWatcher({ providers: [register(provider, { token: "tok-compiled-q", baseUrl: base })] });
    requests.length = 0;
    const byRef = await watcher.get({
      provider: "versioned",
      endpoint: "getOperation",
      params: { operationId: "op 1" },
      baseUrl: base,
    });
    const byUrl = await watcher.get(`${base}/subscriptions/s1/operations/op-1?api-version=2023-01-01-preview`);
    expect(requests).toEqual([
      "/subscriptions/s1/operations/op%201?api-version=2024-07-01",
      "/subscriptions/s1/operations/op-1?api-version=2023-01-01-preview",
    ]);
    expect(byRef.ref.params).toEqual({ "api-version": "2024-07-01", operationId: "op 1" });
    expect(byUrl).toMatchObject({ state: "succeeded", ref: { params: { "api-version": "2023-01-01-preview" } } });
    await expect(watcher.get(`${base}/subscriptions/s1/operations/op-1?api-version=latest`)).rejects.toThrow(
      /versioned: query parameter "api-version" must match/,
    );
    expect(requests).toHaveLength(2);
  });
});
