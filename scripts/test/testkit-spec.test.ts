// testkit's spec readers (packages/testkit/src/spec.ts): the one place the contract table, the contract
// cases and the scripted server read an operation's parameters and a response's named examples from.
import { join } from "node:path";
import {
  expectedError,
  type ProviderTable,
  parameterExampleOrUndefined,
  parametersOf,
  responseExamples,
  startScriptedServer,
} from "@opwatch/testkit";
import { describe, expect, it } from "vitest";

const doc = {
  components: {
    parameters: {
      Zone: { name: "zone", in: "path", required: true, example: "z-1", "x-opwatch-multi-segment": true },
    },
    examples: { Done: { value: { state: "done" }, "x-opwatch-status": 200 } },
    responses: {
      Ok: {
        description: "ok",
        content: {
          "application/json": {
            examples: { running: { value: { state: "running" } }, done: { $ref: "#/components/examples/Done" } },
          },
        },
      },
    },
  },
  paths: {
    "/zones/{zone}/tasks/{task}": {
      parameters: [
        { $ref: "#/components/parameters/Zone" },
        { name: "task", in: "path", required: true, example: "from-the-path-item" },
      ],
      get: {
        operationId: "getTask",
        parameters: [
          { name: "zone", in: "path", required: true, example: "z-2" },
          { name: "zone", in: "query", example: "a query parameter of the same name" },
        ],
        responses: { "200": { $ref: "#/components/responses/Ok" } },
      },
    },
  },
};
const found = { path: "/zones/{zone}/tasks/{task}", operation: doc.paths["/zones/{zone}/tasks/{task}"].get };

describe("testkit: parametersOf", () => {
  it("joins the path item's and the operation's parameters, $refs followed, the operation's replacing the path item's of the same name and location", () => {
    expect(parametersOf(doc, found)).toEqual([
      { name: "zone", in: "path", required: true, example: "z-2" },
      { name: "task", in: "path", required: true, example: "from-the-path-item" },
      { name: "zone", in: "query", example: "a query parameter of the same name" },
    ]);
  });

  it("keeps the parameters of one location", () => {
    expect(parametersOf(doc, found, "path").map((p) => [p.name, p.example])).toEqual([
      ["zone", "z-2"],
      ["task", "from-the-path-item"],
    ]);
    expect(parametersOf(doc, found, "header")).toEqual([]);
  });
});

describe("testkit: responseExamples", () => {
  it("reads a response's named examples in spec order, the response's and each example's $ref followed", () => {
    expect(responseExamples(doc, found.operation.responses["200"])).toEqual([
      ["running", { value: { state: "running" } }],
      ["done", { value: { state: "done" }, "x-opwatch-status": 200 }],
    ]);
    expect(responseExamples(doc, undefined)).toEqual([]);
  });
});

describe("testkit: startScriptedServer", () => {
  const spec = join(import.meta.dirname, "real-apis", "replicate-predictions.yaml");

  it("answers 500 with the reason when the script throws or leaves the spec, and stop() rejects with it", async () => {
    const server = await startScriptedServer(spec, {
      operationId: "predictions.get",
      script: (_, index) => {
        if (index === 0) throw new Error("no example named finished");
        return { status: 418, body: {} };
      },
    });
    const first = await fetch(`${server.url}/predictions/p1`);
    const second = await fetch(`${server.url}/predictions/p1`);
    expect(first.status).toBe(500);
    expect(((await first.json()) as { error: string }).error).toContain("no example named finished");
    expect(second.status).toBe(500);
    expect(((await second.json()) as { error: string }).error).toContain("status 418 is not declared");
    expect(server.failures).toHaveLength(2);
    await expect(server.stop()).rejects.toThrow(/answer 0 failed: no example named finished/);
  });

  it("stops cleanly when every answer was given", async () => {
    const server = await startScriptedServer(spec, {
      operationId: "predictions.get",
      script: () => ({
        status: 429,
        headers: { "Retry-After": "1" },
        body: { detail: "Request was throttled.", status: 429 },
      }),
    });
    expect((await fetch(`${server.url}/predictions/p1`)).status).toBe(429);
    expect(server.failures).toEqual([]);
    await expect(server.stop()).resolves.toBeUndefined();
  });
});

describe("testkit: expectedError under the spec's rate-limit meaning", () => {
  const spent = new Headers({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3601" });
  const table = (rateLimit: ProviderTable["rateLimit"]) => ({ errorBody: {}, rateLimit }) as unknown as ProviderTable;

  it("expects the wait until the reset of a window", () => {
    expect(expectedError(table(undefined), 429, spent, {}).retryAfter).toBe(3601);
    expect(expectedError(table({ reset: "window" }), 429, spent, {}).retryAfter).toBe(3601);
  });

  it("expects one request's refill, not the full refill, when the reset means refill", () => {
    expect(expectedError(table({ reset: "refill" }), 429, spent, {}).retryAfter).toBe(1);
    expect(expectedError(table({ reset: "refill", refillSeconds: 6 }), 403, spent, {})).toMatchObject({
      errorClass: "RateLimitError",
      retryAfter: 6,
    });
  });

  it("expects Retry-After over a refill", () => {
    const asked = new Headers({ "retry-after": "7", "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3601" });
    expect(expectedError(table({ reset: "refill" }), 429, asked, {}).retryAfter).toBe(7);
  });
});

describe("a path parameter's example implied by its schema", () => {
  const example = (schema: Record<string, unknown>) => parameterExampleOrUndefined({ name: "id", in: "path", schema });

  it("builds the shortest value a pattern allows, within the length bounds (Twilio's SIDs)", () => {
    const sid = example({ type: "string", pattern: "^CA[0-9a-fA-F]{32}$", minLength: 34, maxLength: 34 });
    expect(sid).toBe(`CA${"0".repeat(32)}`);
    expect(example({ type: "string", pattern: "^[a-z]{3,}-\\d+$" })).toBe("aaa-0");
    // The same value on every run: a contract test sends it.
    expect(example({ type: "string", pattern: "^batch_[A-Za-z0-9]+$" })).toBe(
      example({ type: "string", pattern: "^batch_[A-Za-z0-9]+$" }),
    );
  });

  it("gives none for a pattern the client cannot compile, nor one that only allows a dot segment", () => {
    expect(example({ type: "string", pattern: "(?i)^x$" })).toBeUndefined();
    expect(example({ type: "string", pattern: "^[.]{1,2}$" })).toBeUndefined();
    expect(example({ type: "string", pattern: "^a{40}$", maxLength: 10 })).toBeUndefined();
  });
});
