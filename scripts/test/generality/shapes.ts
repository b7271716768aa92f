// One scratch provider per shape the spec format supports, as OpenAPI 3.1 documents. The generality
// test writes them into a temporary copy of the repository, generates, builds and waits on each.
import { stringify } from "yaml";

export interface Shape {
  name: string;
  /** What it proves, for the test title. */
  about: string;
  spec: unknown;
  /** Path of the polled operation under the base URL (a status URL is baseUrl + path). */
  path: string;
  /** The answers the scripted server plays, in order (the last repeats). */
  script: { status: number; body?: unknown; headers?: Record<string, string> }[];
  /** The header the server requires (API-key or bearer). */
  auth: Record<string, string>;
  /** The final state the wait must end in, and what else the final status must carry. */
  final: { state: string; error?: { code?: string; message: string } };
}

const TOKEN = "scratch-token-0123456789";
const text = (description: string) => ({ type: "string", description });

function document(
  name: string,
  opts: {
    path: string;
    params: unknown[];
    body: unknown;
    examples: Record<string, unknown>;
    xOpwatch: Record<string, unknown>;
    apiKey?: string;
    rateLimited?: boolean;
  },
): unknown {
  const error = { type: "object", description: "An error.", properties: { message: text("What went wrong.") } };
  const responses: Record<string, unknown> = {
    "200": {
      description: "The operation.",
      content: {
        "application/json": {
          schema: { $ref: "#/components/schemas/Operation" },
          examples: Object.fromEntries(Object.entries(opts.examples).map(([k, value]) => [k, { value }])),
        },
      },
    },
    "401": {
      description: "Bad token.",
      content: {
        "application/json": {
          schema: { $ref: "#/components/schemas/Error" },
          examples: { bad: { value: { message: "bad token" } } },
        },
      },
    },
  };
  if (opts.rateLimited) {
    responses["429"] = {
      description: "Too many requests; the reset is in epoch seconds.",
      headers: { "X-RateLimit-Reset": { description: "Epoch seconds.", schema: { type: "integer" } } },
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: `Scratch ${name}`,
      version: "1.0.0",
      summary: `Scratch provider ${name}.`,
      license: { name: "MIT", identifier: "MIT" },
    },
    servers: [{ url: `https://${name}.invalid/api` }],
    security: [{ auth: [] }],
    paths: {
      [opts.path]: {
        get: { operationId: "getOperation", summary: "Read one operation", parameters: opts.params, responses },
      },
    },
    components: {
      securitySchemes: {
        auth: opts.apiKey ? { type: "apiKey", in: "header", name: opts.apiKey } : { type: "http", scheme: "bearer" },
      },
      schemas: { Operation: opts.body, Error: error },
    },
    "x-opwatch": { displayName: `Scratch ${name}`, poll: ["getOperation"], ...opts.xOpwatch },
  };
}

const stringId = (name: string) => ({
  name,
  in: "path",
  required: true,
  example: "op-1",
  schema: { type: "string", minLength: 1 },
});
const wordBody = {
  type: "object",
  description: "An operation.",
  required: ["id", "state"],
  properties: { id: text("Id."), state: text("Status word.") },
};
const wordMap = { pending: "queued", running: "running", done: "succeeded", failed: "failed" };
const wordExamples = {
  pending: { id: "op-1", state: "pending" },
  running: { id: "op-1", state: "running" },
  done: { id: "op-1", state: "done" },
  failed: { id: "op-1", state: "failed" },
};

const lroBody = {
  type: "object",
  description: "A Google-style long-running operation.",
  required: ["name"],
  properties: {
    name: text("Name of the operation."),
    done: { type: "boolean", description: "True once finished." },
    error: {
      type: "object",
      description: "Why it failed.",
      properties: { code: { type: "integer", description: "Code." }, message: text("Message.") },
    },
    response: { type: "object", description: "The result." },
  },
};
const lroRules = {
  when: [
    { pointer: "/done", equals: false, state: "running" },
    { pointer: "/error", present: true, state: "failed" },
    { pointer: "/response", present: true, state: "succeeded" },
  ],
};
const lro = (name: string, extra: object = {}) => ({ name, ...extra });

export const SHAPES: Shape[] = [
  {
    name: "scratch-word",
    about: "a status word",
    spec: document("scratch-word", {
      path: "/jobs/{job_id}",
      params: [stringId("job_id")],
      body: wordBody,
      examples: wordExamples,
      xOpwatch: { id: "/id", status: { pointer: "/state", map: wordMap } },
    }),
    path: "/jobs/op-1",
    script: [
      { status: 200, body: wordExamples.running },
      { status: 200, body: wordExamples.done },
    ],
    auth: { authorization: `Bearer ${TOKEN}` },
    final: { state: "succeeded" },
  },
  {
    name: "scratch-lro",
    about: "a boolean done with an error or response object",
    spec: document("scratch-lro", {
      path: "/v1/operations/{operation}",
      params: [stringId("operation")],
      body: lroBody,
      examples: {
        running: lro("operations/op-1", { done: false }),
        failed: lro("operations/op-1", { done: true, error: { code: 9, message: "Quota exceeded" } }),
        succeeded: lro("operations/op-1", { done: true, response: {} }),
      },
      xOpwatch: { id: "/name", status: lroRules },
    }),
    path: "/v1/operations/op-1",
    script: [
      { status: 200, body: lro("operations/op-1", { done: false }) },
      { status: 200, body: lro("operations/op-1", { done: true, error: { code: 9, message: "Quota exceeded" } }) },
    ],
    auth: { authorization: `Bearer ${TOKEN}` },
    final: { state: "failed", error: { code: "9", message: "Quota exceeded" } },
  },
  {
    name: "scratch-int",
    about: "an integer id and a numeric status",
    spec: document("scratch-int", {
      path: "/tasks/{task}",
      params: [{ name: "task", in: "path", required: true, example: 42, schema: { type: "integer", minimum: 1 } }],
      body: {
        type: "object",
        description: "A task.",
        properties: {
          id: { type: "integer", description: "Id." },
          code: { type: "integer", description: "0 running, 1 done." },
        },
      },
      examples: { running: { id: 42, code: 0 }, done: { id: 42, code: 1 } },
      xOpwatch: { id: "/id", status: { pointer: "/code", map: { "0": "running", "1": "succeeded" } } },
    }),
    path: "/tasks/42",
    script: [
      { status: 200, body: { id: 42, code: 0 } },
      { status: 200, body: { id: 42, code: 1 } },
    ],
    auth: { authorization: `Bearer ${TOKEN}` },
    final: { state: "succeeded" },
  },
  {
    name: "scratch-apikey",
    about: "API-key header auth and a status nested deep",
    spec: document("scratch-apikey", {
      path: "/jobs/{job_id}",
      params: [stringId("job_id")],
      body: {
        type: "object",
        description: "A job.",
        properties: {
          data: {
            type: "object",
            description: "Envelope.",
            properties: {
              id: text("Id."),
              attributes: { type: "object", description: "Attributes.", properties: { status: text("Status.") } },
            },
          },
        },
      },
      examples: {
        running: { data: { id: "op-1", attributes: { status: "running" } } },
        done: { data: { id: "op-1", attributes: { status: "done" } } },
      },
      xOpwatch: {
        id: "/data/id",
        status: { pointer: "/data/attributes/status", map: { running: "running", done: "succeeded" } },
      },
      apiKey: "X-Api-Key",
    }),
    path: "/jobs/op-1",
    script: [
      { status: 200, body: { data: { id: "op-1", attributes: { status: "running" } } } },
      { status: 200, body: { data: { id: "op-1", attributes: { status: "done" } } } },
    ],
    auth: { "x-api-key": TOKEN },
    final: { state: "succeeded" },
  },
  {
    name: "scratch-multi",
    about: "a multi-segment name sent with its slashes",
    spec: document("scratch-multi", {
      path: "/v1/{name}",
      params: [
        {
          name: "name",
          in: "path",
          required: true,
          "x-opwatch-multi-segment": true,
          example: "projects/p/locations/l/operations/o",
          schema: { type: "string", pattern: "^projects/[^/]+/locations/[^/]+/operations/[^/]+$" },
        },
      ],
      body: lroBody,
      examples: {
        running: lro("projects/p/locations/l/operations/o", { done: false }),
        failed: lro("projects/p/locations/l/operations/o", { done: true, error: { code: 3, message: "Bad" } }),
        succeeded: lro("projects/p/locations/l/operations/o", { done: true, response: {} }),
      },
      xOpwatch: { id: "/name", status: lroRules },
    }),
    path: "/v1/projects/p/locations/l/operations/o",
    script: [
      { status: 200, body: lro("projects/p/locations/l/operations/o", { done: false }) },
      { status: 200, body: lro("projects/p/locations/l/operations/o", { done: true, response: {} }) },
    ],
    auth: { authorization: `Bearer ${TOKEN}` },
    final: { state: "succeeded" },
  },
  {
    name: "scratch-ratelimit",
    about: "a 429 with only an epoch X-RateLimit-Reset",
    spec: document("scratch-ratelimit", {
      path: "/jobs/{job_id}",
      params: [stringId("job_id")],
      body: wordBody,
      examples: wordExamples,
      xOpwatch: { id: "/id", status: { pointer: "/state", map: wordMap } },
      rateLimited: true,
    }),
    path: "/jobs/op-1",
    // The reset header is filled in when the server answers (epoch seconds, 1-2 s ahead).
    script: [
      { status: 429, body: { message: "slow down" } },
      { status: 200, body: wordExamples.done },
    ],
    auth: { authorization: `Bearer ${TOKEN}` },
    final: { state: "succeeded" },
  },
];

export { TOKEN };

export function specText(shape: Shape): string {
  return stringify(shape.spec);
}
