// @ts-check
// A provider's whole published spec, made up: `operations` endpoints over resources whose schemas have what
// published specs have (long descriptions, nullable fields, allOf/oneOf with a discriminator, a circular
// schema, a huge enum, schema-level examples that no longer match, patterns JavaScript cannot compile,
// operations without an operationId, ids with `/`, quotes, unicode, reserved words and leading digits,
// path-level and $ref'd parameters, $ref'd responses and headers), written as OpenAPI 3.0 JSON of a few MB.
// One status endpoint carries x-opwatch. Used by the large-spec test (it goes through every author step)
// and `pnpm bench spec` (how long each step takes).

/** Deterministic filler text, so the file is the same bytes on every run. @param {number} i @param {number} words */
const prose = (i, words) =>
  Array.from({ length: words }, (_, k) => ["the", "operation", "resource", "returns", "value", "of", "a"][(i + k) % 7])
    .join(" ")
    .replace(/^./, (c) => c.toUpperCase());

/** Odd operationIds as providers publish them (only outside the poll endpoint, except the first). */
const ODD_IDS = [
  "actions/get-workflow-run",
  'get "quoted"',
  "получить-объект",
  "delete",
  "2fa-status",
  "class",
  "x.y:z",
];

const LEGACY_POLL = 'actions/get-"v1"-действие';

/** @param {{ operations?: number }} [options] @returns {any} an OpenAPI 3.0 document */
export function largeSpec({ operations = 600 } = {}) {
  const resources = Math.ceil(operations / 3);
  /** @type {Record<string, any>} */
  const paths = {};
  /** @type {Record<string, any>} */
  const schemas = {
    Error: {
      type: "object",
      description: "An error answer.",
      required: ["id", "message"],
      properties: {
        id: { type: "string", description: "A short error code.", example: "not_found" },
        message: { type: "string", description: "What went wrong.", example: "The resource was not found." },
        request_id: { type: "string", nullable: true, description: "The request's id, for support." },
      },
    },
    Node: {
      type: "object",
      description: "A tree node: a circular schema.",
      properties: {
        name: { type: "string", description: "The node's name." },
        children: { type: "array", description: "Child nodes.", items: { $ref: "#/components/schemas/Node" } },
      },
    },
    Region: {
      type: "string",
      description: "A region: a huge enum.",
      enum: Array.from({ length: 2000 }, (_, i) => `region-${i}`),
    },
    Pet: {
      description: "A discriminated union.",
      oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }],
      discriminator: {
        propertyName: "kind",
        mapping: { cat: "#/components/schemas/Cat", dog: "#/components/schemas/Dog" },
      },
    },
    Cat: {
      description: "A cat.",
      allOf: [
        { $ref: "#/components/schemas/PetBase" },
        { type: "object", properties: { lives: { type: "integer", description: "Lives left." } } },
      ],
    },
    Dog: {
      description: "A dog.",
      allOf: [
        { $ref: "#/components/schemas/PetBase" },
        { type: "object", properties: { good: { type: "boolean", description: "Always." } } },
      ],
    },
    PetBase: {
      type: "object",
      description: "What every pet has.",
      required: ["kind"],
      properties: { kind: { type: "string", description: "cat or dog." } },
    },
    Action: {
      type: "object",
      description: "An action: the status endpoint's body.",
      required: ["id", "status"],
      properties: {
        id: { type: "integer", description: "The action's id.", example: 36804636 },
        status: {
          type: "string",
          description: "Where the action is.",
          enum: ["in-progress", "completed", "errored"],
          example: "completed",
        },
        // A schema-level example that no longer matches, as published specs ship them.
        percent_complete: { type: "integer", description: "Progress, 0–100.", example: null },
        started_at: { type: "string", format: "date-time", description: "When it started." },
        completed_at: { type: "string", format: "date-time", nullable: true, description: "When it ended." },
        message: { type: "string", nullable: true, description: "Why it failed." },
      },
    },
  };
  const action = (/** @type {string} */ status) => ({
    value: { id: 36804636, status, started_at: "2020-11-14T16:29:21Z", completed_at: null, message: null },
  });
  const errorResponse = { $ref: "#/components/responses/Error" };
  for (let r = 0; r < resources; r += 1) {
    const name = `Resource${r}`;
    /** @type {Record<string, any>} */
    const properties = {};
    for (let p = 0; p < 20; p += 1) {
      properties[`field_${p}`] = {
        type: p % 3 === 0 ? "integer" : "string",
        ...(p % 4 === 0 ? { nullable: true } : {}),
        ...(p % 7 === 1 ? { pattern: "^(?i)[a-z]+$" } : {}),
        description: `${prose(r + p, 64)}.`,
        ...(p % 3 === 0 ? { example: p } : { example: `value-${p}` }),
      };
    }
    properties.region = { $ref: "#/components/schemas/Region" };
    properties.tree = { $ref: "#/components/schemas/Node" };
    properties.pet = { $ref: "#/components/schemas/Pet" };
    schemas[name] = { type: "object", description: `${prose(r, 40)}.`, required: ["field_0"], properties };
    const ok = (/** @type {any} */ schema) => ({
      description: "OK",
      headers: { "ratelimit-remaining": { $ref: "#/components/headers/RateLimitRemaining" } },
      content: { "application/json": { schema } },
    });
    const id = (/** @type {string} */ verb) => (r < ODD_IDS.length && verb === "get" ? ODD_IDS[r] : `${verb}_${name}`);
    paths[`/v2/resources-${r}`] = {
      get: {
        ...(r % 25 === 5 ? {} : { operationId: id("list") }),
        summary: `List ${name}`,
        parameters: [{ $ref: "#/components/parameters/PerPage" }],
        responses: {
          200: ok({ type: "array", items: { $ref: `#/components/schemas/${name}` } }),
          default: errorResponse,
        },
      },
      post: {
        operationId: id("create"),
        summary: `Create ${name}`,
        requestBody: { content: { "application/json": { schema: { $ref: `#/components/schemas/${name}` } } } },
        responses: { 201: ok({ $ref: `#/components/schemas/${name}` }), default: errorResponse },
      },
    };
    paths[`/v2/resources-${r}/{id}`] = {
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" }, description: "Its id." }],
      get: {
        operationId: id("get"),
        summary: `Read one ${name}`,
        responses: { 200: ok({ $ref: `#/components/schemas/${name}` }), 404: errorResponse },
      },
    };
  }
  paths["/v2/actions/{action_id}"] = {
    parameters: [{ $ref: "#/components/parameters/ActionId" }],
    get: {
      operationId: "actions_get",
      summary: "Retrieve an action",
      responses: {
        200: {
          description: "The action.",
          headers: { "ratelimit-remaining": { $ref: "#/components/headers/RateLimitRemaining" } },
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/Action" },
              examples: {
                "in-progress": action("in-progress"),
                completed: action("completed"),
                errored: action("errored"),
              },
            },
          },
        },
        401: errorResponse,
        404: errorResponse,
      },
    },
  };
  // A second status endpoint whose operationId has what generated code must quote: `/`, quotes, unicode.
  paths["/v1/actions/{id}"] = {
    get: {
      operationId: LEGACY_POLL,
      summary: "Retrieve an action (v1)",
      parameters: [{ name: "id", in: "path", required: true, schema: { type: "string", pattern: "^[0-9]+$" } }],
      responses: {
        200: {
          description: "The action.",
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/Action" },
              examples: { done: action("completed") },
            },
          },
        },
        default: errorResponse,
      },
    },
  };
  return {
    openapi: "3.0.3",
    info: { title: "Large API", version: "2.0", description: prose(1, 60), license: { name: "MIT" } },
    servers: [
      { url: "https://{region}.large.example.net/api", variables: { region: { default: "eu", enum: ["eu", "us"] } } },
    ],
    security: [{ bearer: [] }],
    paths,
    components: {
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
      parameters: {
        PerPage: {
          name: "per_page",
          in: "query",
          schema: { type: "integer", minimum: 1, maximum: 200 },
          description: "Page size.",
        },
        ActionId: {
          name: "action_id",
          in: "path",
          required: true,
          schema: { type: "integer", minimum: 1 },
          description: "The action's id.",
          example: 36804636,
        },
      },
      headers: {
        RateLimitRemaining: { description: "Requests left in the window.", schema: { type: "integer" } },
      },
      responses: {
        Error: {
          description: "An error.",
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/Error" },
              example: { id: "not_found", message: "The resource was not found.", request_id: "4d9d8375" },
            },
          },
        },
      },
      schemas,
    },
    "x-opwatch": {
      displayName: "Large",
      poll: ["actions_get", LEGACY_POLL],
      id: "/id",
      status: { pointer: "/status", map: { "in-progress": "running", completed: "succeeded", errored: "failed" } },
      failure: { message: "/message" },
      createdAt: "/started_at",
      errorBody: { code: "/id", message: "/message", requestId: "/request_id" },
    },
  };
}

/** How many operations a document has (every method of every path). @param {any} document */
export function operationCount(document) {
  const methods = new Set(["get", "put", "post", "delete", "patch", "head", "options", "trace"]);
  return Object.values(document.paths ?? {}).reduce(
    (sum, item) => sum + Object.keys(item ?? {}).filter((key) => methods.has(key)).length,
    0,
  );
}
