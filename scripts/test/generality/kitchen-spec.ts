// A scratch spec that uses every x-opwatch shape at once: rules and a
// status word together, numeric and boolean words, a `{ state, code }` mapping, progress with a scale,
// a mapped redirect, API-key auth, and integer, number, enum, uuid and multi-segment path parameters.
import { stringify } from "yaml";

const text = (description: string) => ({ type: "string", description });
const op = (extra: Record<string, unknown>) => ({ name: "projects/p/operations/o", ...extra });

/** Named 200 examples, each with the state it stands for: one per mapped status value and per rule. */
export const EXAMPLES: Record<string, { state: string; value: unknown }> = {
  queued: { state: "queued", value: op({ metadata: { phase: 0 } }) },
  running: { state: "running", value: op({ done: false, metadata: { phase: 1, progress: 250 } }) },
  phaseOne: { state: "running", value: op({ metadata: { phase: 1 } }) },
  stuck: { state: "failed", value: op({ done: true, metadata: { phase: "STUCK" } }) },
  flagged: { state: "succeeded", value: op({ done: true, metadata: { phase: true, progress: 1000 } }) },
  succeeded: { state: "succeeded", value: op({ done: true, response: {} }) },
  failed: { state: "failed", value: op({ done: true, error: { code: 7, message: "Quota exceeded" } }) },
  canceled: { state: "canceled", value: op({ done: true, metadata: { phase: "CANCELLED" } }) },
};

const param = (name: string, schema: Record<string, unknown>, example: unknown, extra: object = {}) => ({
  name,
  in: "path",
  required: true,
  example,
  schema,
  ...extra,
});

function endpoint(operationId: string, parameters: unknown[]) {
  return {
    get: {
      operationId,
      summary: `Read one operation (${operationId})`,
      parameters,
      responses: {
        "200": {
          description: "The operation.",
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/Operation" },
              examples: Object.fromEntries(
                Object.entries(EXAMPLES).map(([k, { state, value }]) => [k, { value, "x-opwatch-state": state }]),
              ),
            },
          },
        },
        "302": {
          description: "Done: the result lives at Location.",
          headers: { Location: { description: "Result.", schema: { type: "string" } } },
        },
        "404": {
          description: "No such operation.",
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/Error" },
              examples: { missing: { value: { code: "not_found", message: "No such operation", request_id: "r-1" } } },
            },
          },
        },
      },
    },
  };
}

export const KITCHEN = {
  openapi: "3.1.0",
  info: {
    title: "Kitchen",
    version: "1.0.0",
    summary: "Every shape at once.",
    license: { name: "MIT", identifier: "MIT" },
  },
  servers: [{ url: "https://kitchen.invalid/api" }],
  security: [{ key: [] }],
  paths: {
    "/tasks/{task}": endpoint("getTask", [param("task", { type: "integer", minimum: 1, maximum: 1000 }, 42)]),
    "/scores/{score}": endpoint("getScore", [param("score", { type: "number", maximum: 10 }, 2.5)]),
    "/runs/{region}/{run}": endpoint("getRun", [
      param("region", { type: "string", enum: ["eu", "us"] }, "eu"),
      param("run", { type: "string", format: "uuid" }, "75aab8db-8632-42b4-af2f-06b5820798ef"),
    ]),
    "/v1/{name}": endpoint("getNamed", [
      param(
        "name",
        { type: "string", pattern: "^projects/[^/]+/operations/[^/]+$", maxLength: 60 },
        "projects/p/operations/o",
        { "x-opwatch-multi-segment": true },
      ),
    ]),
  },
  components: {
    securitySchemes: { key: { type: "apiKey", in: "header", name: "X-Kitchen-Key" } },
    schemas: {
      Operation: {
        type: "object",
        description: "A long-running operation.",
        required: ["name"],
        properties: {
          name: text("Its name."),
          done: { type: "boolean", description: "True once finished." },
          error: {
            type: "object",
            description: "Why it failed.",
            properties: { code: { type: "integer", description: "Code." }, message: text("Message.") },
          },
          response: { type: "object", description: "The result." },
          metadata: {
            type: "object",
            description: "Progress and phase.",
            properties: {
              phase: { type: ["string", "integer", "boolean"], description: "Phase word, number or flag." },
              progress: { type: "integer", description: "Per mille." },
              created: text("Created (RFC 3339)."),
              updated: text("Updated (zone-less UTC)."),
            },
          },
        },
      },
      Error: {
        type: "object",
        description: "An error.",
        properties: { code: text("Code."), message: text("Message."), request_id: text("Request id.") },
      },
    },
  },
  "x-opwatch": {
    displayName: "Kitchen",
    poll: ["getTask", "getScore", "getRun", "getNamed"],
    id: "/name",
    status: {
      when: [
        { pointer: "/error", present: true, state: "failed" },
        { pointer: "/metadata/phase", equals: "cancelled", state: "canceled" },
        { pointer: "/done", equals: false, state: "running" },
        { pointer: "/response", present: true, state: "succeeded" },
      ],
      pointer: "/metadata/phase",
      map: { "0": "queued", "1": "running", STUCK: { state: "failed", code: "STUCK" }, true: "succeeded" },
    },
    progress: { pointer: "/metadata/progress", scale: 1000 },
    createdAt: "/metadata/created",
    updatedAt: "/metadata/updated",
    failure: { code: "/error/code", message: "/error/message" },
    redirects: { "302": "succeeded" },
    errorBody: { code: "/code", message: "/message", requestId: "/request_id" },
  },
};

export const kitchenText = (): string => stringify(KITCHEN);
