// testkit's spec readers (packages/testkit/src/spec.ts): the one place the contract table, the contract
// cases and the scripted server read an operation's parameters and a response's named examples from.
import { parameterExampleOrUndefined, parametersOf, responseExamples } from "@opwatch/testkit";
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
