// A spec the size and shape of a provider's whole published description (OpenAPI 3.0, ~650 operations,
// ~3 MB), with what published specs carry outside the endpoints opwatch reads: examples that break their
// schemas, unused components, operations without a summary or error response, `nullable`, and `pattern`s
// that are not ECMAScript regular expressions (`(?i)`, `\_`). One of its GETs is the poll endpoint, written
// cleanly: the spec lint must be strict there and only report the rest. Deterministic: same text every run.

const RESOURCES = 65;
const OPERATIONS_PER_RESOURCE = 10;

const text = (description: string) => ({ type: "string", description });

/** A resource schema of the kind published specs inline in every response: many documented fields. */
function resourceSchema(resource: string) {
  const properties: Record<string, unknown> = {
    id: { type: "integer", description: `The ${resource}'s id.` },
    slug: { type: "string", description: "A slug.", pattern: "(?i)^[a-z0-9\\_-]+$" },
    created: { type: "string", format: "date-time", nullable: true, description: "When it was created." },
  };
  for (let i = 0; i < 24; i++) {
    properties[`field_${i}`] = {
      type: i % 3 === 0 ? "integer" : "string",
      nullable: i % 4 === 0,
      description: `Field ${i} of a ${resource}: documented at length, as published references do, with enough prose to weigh what a real description weighs.`,
      // A published example that breaks its schema (a string where an integer belongs).
      example: i % 3 === 0 ? "not-a-number" : `value-${i}`,
    };
  }
  return { type: "object", properties };
}

const errorBody = {
  type: "object",
  description: "An error.",
  properties: { code: text("A machine-readable code."), message: text("What went wrong.") },
};

function operation(resource: string, index: number) {
  const id = `${resource}/${["list", "get", "create", "update", "delete"][index % 5]}-${resource}-${index}`;
  const ok = {
    description: "OK",
    content: { "application/json": { schema: resourceSchema(resource) } },
  };
  // Every third operation has neither a summary nor an error response: lint problems outside the poll scope.
  return index % 3 === 0
    ? { operationId: id, responses: { "200": ok } }
    : {
        operationId: id,
        summary: `Operation ${index} on ${resource}`,
        responses: {
          "200": ok,
          "404": { description: "Not found", content: { "application/json": { schema: errorBody } } },
        },
      };
}

const job = (state: string, extra: object = {}) => ({ id: 7, state, ...extra });

export function publishedScaleSpec(): unknown {
  const paths: Record<string, unknown> = {};
  for (let r = 0; r < RESOURCES; r++) {
    const resource = `resource${r}`;
    for (let o = 0; o < OPERATIONS_PER_RESOURCE; o += 2) {
      paths[`/v1/${resource}/${o}/{id}`] = {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        get: operation(resource, o),
        post: operation(resource, o + 1),
      };
    }
  }
  paths["/v1/projects/{project}/jobs/{job_id}"] = {
    get: {
      operationId: "jobs/get-job",
      summary: "Get a job",
      parameters: [
        { name: "project", in: "path", required: true, description: "The project.", schema: { type: "string" } },
        { name: "job_id", in: "path", required: true, description: "The job.", schema: { type: "integer" } },
      ],
      responses: {
        "200": {
          description: "The job.",
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/Job" },
              examples: {
                pending: { value: job("pending") },
                running: { value: job("running") },
                done: { value: job("done") },
                failed: { value: job("failed", { error: { code: "E1", message: "Out of quota." } }) },
              },
            },
          },
        },
        "401": {
          description: "Bad token.",
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/Error" },
              examples: { bad: { value: { code: "unauthorized", message: "Bad token." } } },
            },
          },
        },
      },
    },
  };
  return {
    openapi: "3.0.3",
    info: {
      title: "Published-scale provider",
      version: "2024-01-01",
      description: "A whole published description.",
      license: { name: "MIT", url: "https://spdx.org/licenses/MIT" },
    },
    servers: [{ url: "https://api.published-scale.invalid" }],
    security: [{ token: [] }],
    paths,
    components: {
      securitySchemes: { token: { type: "http", scheme: "bearer", description: "A token." } },
      schemas: {
        Job: {
          type: "object",
          description: "A job.",
          required: ["id", "state"],
          properties: {
            id: { type: "integer", description: "Its id." },
            state: text("pending, running, done or failed."),
            error: {
              type: "object",
              nullable: true,
              description: "Why it failed.",
              properties: { code: text("Code."), message: text("Message.") },
            },
          },
        },
        Error: errorBody,
        // Published specs keep components no endpoint uses.
        Unused: { type: "object", properties: { x: { type: "string" } } },
      },
    },
    "x-opwatch": {
      displayName: "Published scale",
      poll: ["jobs/get-job"],
      id: "/id",
      status: {
        pointer: "/state",
        map: { pending: "queued", running: "running", done: "succeeded", failed: "failed" },
      },
      failure: { code: "/error/code", message: "/error/message" },
      errorBody: { code: "/code", message: "/message" },
    },
  };
}
