// One small OpenAPI 3.1 spec per x-opwatch shape, each shaped like a real API's documented answers, with sample
// answers and the status (or error) the facade must read from each. Read by scripts/test/shapes.test.ts.

export interface Sample {
  about: string;
  answer: { status: number; body?: unknown; headers?: Record<string, string> };
  expect: Record<string, unknown> | { throws: Record<string, unknown>; message: RegExp };
}

export interface SpecShape {
  name: string;
  about: string;
  /** The status URL's path under the base URL. */
  path: string;
  spec: unknown;
  samples: Sample[];
}

const text = (description: string) => ({ type: "string", description });
const int = (description: string) => ({ type: "integer", description });
const object = (description: string, properties: Record<string, unknown>, required: string[] = []) => ({
  type: "object",
  description,
  properties,
  ...(required.length ? { required } : {}),
});

function document(
  name: string,
  opts: {
    path: string;
    body: unknown;
    examples: Record<string, unknown>;
    xOpwatch: Record<string, unknown>;
    responses?: Record<string, unknown>;
    components?: Record<string, unknown>;
  },
): unknown {
  const param = opts.path.match(/\{([^}]+)\}/)?.[1] ?? "id";
  return {
    openapi: "3.1.0",
    info: { title: name, version: "1.0.0", license: { name: "MIT", identifier: "MIT" } },
    servers: [{ url: `https://${name}.invalid` }],
    security: [{ auth: [] }],
    paths: {
      [opts.path]: {
        get: {
          operationId: "getOperation",
          summary: "Read one operation",
          parameters: [{ name: param, in: "path", required: true, example: "op-1", schema: { type: "string" } }],
          responses: {
            "200": {
              description: "The operation.",
              content: {
                "application/json": {
                  schema: { $ref: "#/components/schemas/Operation" },
                  examples: Object.fromEntries(Object.entries(opts.examples).map(([k, value]) => [k, { value }])),
                },
              },
            },
            ...opts.responses,
            default: {
              description: "An error.",
              content: {
                "application/json": {
                  schema: { $ref: "#/components/schemas/Error" },
                  examples: { notFound: { "x-opwatch-status": 404, value: { message: "not found" } } },
                },
              },
            },
          },
        },
      },
    },
    components: {
      securitySchemes: { auth: { type: "http", scheme: "bearer" } },
      schemas: {
        ...opts.components,
        Operation: opts.body,
        Error: object("An error.", {
          message: text("What went wrong."),
          error: object("A Google-style error.", {
            code: int("HTTP status."),
            message: text("What went wrong."),
            details: {
              type: "array",
              description: "Typed details.",
              items: object("One detail.", { "@type": text("Its type."), retryDelay: text("A Duration.") }),
            },
          }),
        }),
      },
    },
    "x-opwatch": { displayName: name, poll: ["getOperation"], ...opts.xOpwatch },
  };
}

// Kubernetes batch/v1 Job (kubernetes.io/docs/reference/kubernetes-api/workload-resources/job-v1/).
const condition = object(
  "A JobCondition.",
  {
    type: text("Complete, Failed, Suspended, FailureTarget, SuccessCriteriaMet."),
    status: text('"True", "False" or "Unknown".'),
    reason: text("Why, in CamelCase."),
    message: text("Why, for humans."),
  },
  ["type", "status"],
);
const jobBody = object(
  "A Job.",
  {
    metadata: object("Object metadata.", { name: text("Name."), creationTimestamp: text("RFC 3339.") }),
    spec: object("Desired state.", {
      completions: int("Pods that must succeed."),
      suspend: { type: "boolean", description: "Suspended." },
    }),
    status: object("Observed state.", {
      active: int("Running pods."),
      succeeded: int("Pods that succeeded."),
      failed: int("Pods that failed."),
      conditions: { type: "array", description: "Latest observations.", items: condition },
    }),
  },
  ["metadata"],
);
const jobMeta = { name: "pi", creationTimestamp: "2024-01-02T03:04:05Z" };
const jobFailed = {
  metadata: jobMeta,
  spec: { completions: 1 },
  status: {
    failed: 6,
    conditions: [
      {
        type: "FailureTarget",
        status: "True",
        reason: "BackoffLimitExceeded",
        message: "Job has reached the specified backoff limit",
      },
      {
        type: "Failed",
        status: "True",
        reason: "BackoffLimitExceeded",
        message: "Job has reached the specified backoff limit",
      },
    ],
  },
};

// Kubernetes apps/v1 Deployment (kubernetes.io/docs/concepts/workloads/controllers/deployment/#deployment-status):
// a rollout failed when Progressing is False (ProgressDeadlineExceeded) and Available is False; the reason is
// the Progressing condition's, the first entry condition of the rule, wherever it sits in the array.
const deploymentBody = object(
  "A Deployment.",
  {
    metadata: object("Object metadata.", { name: text("Name.") }),
    status: object("Observed state.", {
      conditions: { type: "array", description: "Latest observations.", items: condition },
    }),
  },
  ["metadata"],
);
const deploymentFailed = {
  metadata: { name: "web" },
  status: {
    conditions: [
      {
        type: "Available",
        status: "False",
        reason: "MinimumReplicasUnavailable",
        message: "Deployment does not have minimum availability.",
      },
      {
        type: "Progressing",
        status: "False",
        reason: "ProgressDeadlineExceeded",
        message: 'ReplicaSet "web-5d9c" has timed out progressing.',
      },
    ],
  },
};

// An open set of in-progress words, the failure message from two fields, epoch times (seconds and ms).
const openBody = object(
  "A job.",
  {
    id: text("Id."),
    state: text("done, error, or any word while it works."),
    created: int("Epoch seconds."),
    updated: int("Epoch milliseconds."),
    error: object("Why it failed.", { type: text("Error type."), detail: text("Details.") }),
  },
  ["id", "state"],
);

// Google LRO-shaped rules on a result body, whose errors carry google.rpc.RetryInfo.
const wordBody = object("An operation.", { id: text("Id."), status: text("Its status.") }, ["id", "status"]);

export const SPEC_SHAPES: SpecShape[] = [
  {
    name: "shape-conditions",
    about: "conditions[] matched by fields, AND rules, progress as a ratio (a Kubernetes Job)",
    path: "/apis/batch/v1/namespaces/default/jobs/op-1",
    spec: document("shape-conditions", {
      path: "/apis/batch/v1/namespaces/default/jobs/{name}",
      body: jobBody,
      examples: {
        failed: jobFailed,
        succeeded: {
          metadata: jobMeta,
          spec: { completions: 2 },
          status: { succeeded: 2, conditions: [{ type: "Complete", status: "True" }] },
        },
        queued: { metadata: jobMeta, spec: { completions: 2, suspend: true }, status: { active: 1 } },
        running: { metadata: jobMeta, spec: { completions: 4 }, status: { active: 1, succeeded: 1 } },
      },
      xOpwatch: {
        id: "/metadata/name",
        status: {
          when: [
            {
              pointer: "/status/conditions",
              entry: { type: "Failed", status: "True" },
              state: "failed",
              failure: { code: "/reason", message: "/message" },
            },
            { pointer: "/status/conditions", entry: { type: "Complete", status: "True" }, state: "succeeded" },
            {
              all: [
                { pointer: "/status/active", present: true },
                { pointer: "/spec/suspend", equals: true },
              ],
              state: "queued",
            },
            { pointer: "/status/active", present: true, state: "running" },
          ],
        },
        progress: { pointer: "/status/succeeded", of: "/spec/completions" },
        createdAt: "/metadata/creationTimestamp",
      },
    }),
    samples: [
      {
        about: "a Failed condition after another one, with its reason and message",
        answer: { status: 200, body: jobFailed },
        expect: {
          state: "failed",
          id: "pi",
          error: { code: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" },
        },
      },
      {
        about: "a Failed condition whose status is False as still running, progress succeeded / completions",
        answer: {
          status: 200,
          body: {
            metadata: jobMeta,
            spec: { completions: 4 },
            status: { active: 1, succeeded: 1, conditions: [{ type: "Failed", status: "False" }] },
          },
        },
        expect: { state: "running", progress: 0.25 },
      },
      {
        about: "active and suspended (AND) as queued",
        answer: { status: 200, body: { metadata: jobMeta, spec: { suspend: true }, status: { active: 1 } } },
        expect: { state: "queued" },
      },
    ],
  },
  {
    name: "shape-two-entries",
    about: "an AND of two conditions[] entries, the failure read in the first (a Kubernetes Deployment)",
    path: "/apis/apps/v1/namespaces/default/deployments/op-1",
    spec: document("shape-two-entries", {
      path: "/apis/apps/v1/namespaces/default/deployments/{name}",
      body: deploymentBody,
      examples: {
        failed: deploymentFailed,
        succeeded: {
          metadata: { name: "web" },
          status: {
            conditions: [
              { type: "Available", status: "True" },
              { type: "Progressing", status: "True", reason: "NewReplicaSetAvailable" },
            ],
          },
        },
        running: { metadata: { name: "web" }, status: { conditions: [{ type: "Progressing", status: "True" }] } },
      },
      xOpwatch: {
        id: "/metadata/name",
        status: {
          when: [
            {
              all: [
                { pointer: "/status/conditions", entry: { type: "Progressing", status: "False" } },
                { pointer: "/status/conditions", entry: { type: "Available", status: "False" } },
              ],
              state: "failed",
              failure: { code: "/reason", message: "/message" },
            },
            {
              all: [
                { pointer: "/status/conditions", entry: { type: "Progressing", reason: "NewReplicaSetAvailable" } },
                { pointer: "/status/conditions", entry: { type: "Available", status: "True" } },
              ],
              state: "succeeded",
            },
            { pointer: "/status/conditions", present: true, state: "running" },
          ],
        },
      },
    }),
    samples: [
      {
        about: "Progressing False and Available False, the reason from Progressing though it comes second",
        answer: { status: 200, body: deploymentFailed },
        expect: {
          state: "failed",
          error: { code: "ProgressDeadlineExceeded", message: 'ReplicaSet "web-5d9c" has timed out progressing.' },
        },
      },
      {
        about: "only one of the two entries as not failed",
        answer: {
          status: 200,
          body: { metadata: { name: "web" }, status: { conditions: [deploymentFailed.status.conditions[0]] } },
        },
        expect: { state: "running", error: undefined },
      },
    ],
  },
  {
    name: "shape-open-words",
    about: "default state, failure message from two fields, epoch timestamps",
    path: "/jobs/op-1",
    spec: document("shape-open-words", {
      path: "/jobs/{id}",
      body: openBody,
      examples: {
        done: { id: "op-1", state: "done", created: 1_700_000_000, updated: 1_700_000_000_250 },
        failed: { id: "op-1", state: "error", error: { type: "quota", detail: "out of GPUs" } },
        in_progress: { id: "op-1", state: "warming_up", created: 1_700_000_000 },
      },
      xOpwatch: {
        id: "/id",
        status: { pointer: "/state", map: { done: "succeeded", error: "failed" }, default: "running" },
        failure: { code: "/error/type", message: ["/error/type", "/error/detail"] },
        createdAt: { pointer: "/created", epoch: "seconds" },
        updatedAt: { pointer: "/updated", epoch: "milliseconds" },
      },
    }),
    samples: [
      {
        about: "a word outside the map as the default state, and epoch times",
        answer: {
          status: 200,
          body: { id: "op-1", state: "provisioning", created: 1_700_000_000, updated: 1_700_000_000_250 },
        },
        expect: {
          state: "running",
          rawStatus: "provisioning",
          createdAt: new Date("2023-11-14T22:13:20.000Z"),
          updatedAt: new Date("2023-11-14T22:13:20.250Z"),
        },
      },
      {
        about: "a failure message joined from two fields",
        answer: { status: 200, body: { id: "op-1", state: "error", error: { type: "quota", detail: "out of GPUs" } } },
        expect: { state: "failed", error: { code: "quota", message: "quota: out of GPUs" } },
      },
    ],
  },
  {
    name: "shape-http-answer",
    about: "state carried by the HTTP answer (202 with no body, then 204), a request id in a header",
    path: "/exports/op-1",
    spec: document("shape-http-answer", {
      path: "/exports/{id}",
      body: wordBody,
      examples: {
        succeeded: { id: "op-1", status: "Succeeded" },
        failed: { id: "op-1", status: "Failed" },
      },
      responses: {
        "202": { description: "Still running: no body." },
        "204": { description: "Done: no body." },
      },
      xOpwatch: {
        id: "/id",
        status: { pointer: "/status", map: { Succeeded: "succeeded", Failed: "failed" } },
        answers: { "202": "running", "204": "succeeded" },
        errorBody: { message: "/message", requestIdHeader: "X-Correlation-Id" },
      },
    }),
    samples: [
      { about: "202 with no body as running", answer: { status: 202 }, expect: { state: "running", id: "op-1" } },
      { about: "204 as succeeded", answer: { status: 204 }, expect: { state: "succeeded", done: true } },
      {
        about: "a 200 body by its status word",
        answer: { status: 200, body: { id: "op-1", status: "Failed" } },
        expect: { state: "failed" },
      },
      {
        about: "the request id of an error from the X-Correlation-Id header",
        answer: { status: 404, body: { message: "no such export" }, headers: { "x-correlation-id": "corr-7" } },
        expect: { throws: { name: "NotFoundError", requestId: "corr-7" }, message: /no such export/ },
      },
    ],
  },
  {
    name: "shape-answer-bodies",
    about: "the state in the HTTP answer with a body (Snowflake's SQL API: 202 running, 200 done, 422 failed)",
    path: "/api/v2/statements/op-1",
    spec: document("shape-answer-bodies", {
      path: "/api/v2/statements/{id}",
      body: object("A result set.", {
        statementHandle: text("The statement."),
        resultSetMetaData: object("What the result holds.", { numRows: int("Rows.") }),
      }),
      examples: { done: { statementHandle: "op-1", resultSetMetaData: { numRows: 3 } } },
      responses: {
        "202": {
          description: "Still running.",
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/QueryStatus" },
              examples: {
                running: {
                  value: { code: "333334", message: "Asynchronous execution in progress.", statementHandle: "op-1" },
                },
              },
            },
          },
        },
        "422": {
          description: "The statement failed.",
          content: {
            "application/json": {
              schema: { $ref: "#/components/schemas/QueryStatus" },
              examples: {
                compilation_error: {
                  value: {
                    code: "000904",
                    message: "SQL compilation error: invalid identifier 'X'",
                    statementHandle: "op-1",
                  },
                },
              },
            },
          },
        },
      },
      components: {
        QueryStatus: object("A statement's status.", {
          code: text("Snowflake's code."),
          message: text("What it says."),
          statementHandle: text("The statement."),
        }),
      },
      xOpwatch: {
        id: "/statementHandle",
        status: { when: [{ pointer: "/resultSetMetaData", present: true, state: "succeeded" }] },
        answers: { "202": "running", "422": "failed" },
        failure: { code: "/code", message: "/message" },
        errorBody: { message: "/message" },
      },
    }),
    samples: [
      {
        about: "202 with a body as running",
        answer: {
          status: 202,
          body: { code: "333334", message: "Asynchronous execution in progress.", statementHandle: "op-1" },
        },
        expect: { state: "running", id: "op-1", error: undefined },
      },
      {
        about: "200 with the result set as succeeded",
        answer: { status: 200, body: { statementHandle: "op-1", resultSetMetaData: { numRows: 3 } } },
        expect: { state: "succeeded", done: true },
      },
      {
        about: "422 with a body as failed, its code and message the failure",
        answer: {
          status: 422,
          body: { code: "000904", message: "SQL compilation error: invalid identifier 'X'", statementHandle: "op-1" },
        },
        expect: {
          state: "failed",
          error: { code: "000904", message: "SQL compilation error: invalid identifier 'X'" },
        },
      },
      {
        about: "a 400 the spec does not map as an error",
        answer: { status: 400, body: { message: "bad request" } },
        expect: { throws: { name: "ApiError", httpStatus: 400 }, message: /bad request/ },
      },
    ],
  },
  {
    name: "shape-status-header",
    about: "a status word in a response header",
    path: "/operations/op-1",
    spec: document("shape-status-header", {
      path: "/operations/{id}",
      body: wordBody,
      examples: { any: { id: "op-1", status: "ignored" } },
      responses: {
        "202": {
          description: "Still running.",
          headers: {
            "x-ms-operation-status": {
              description: "InProgress, Succeeded, Failed or Canceled.",
              schema: { type: "string", enum: ["InProgress", "Succeeded", "Failed", "Canceled"] },
            },
          },
        },
      },
      xOpwatch: {
        id: "/id",
        status: {
          header: "x-ms-operation-status",
          map: { InProgress: "running", Succeeded: "succeeded", Failed: "failed", Canceled: "canceled" },
        },
      },
    }),
    samples: [
      {
        about: "InProgress on a 202 with no body",
        answer: { status: 202, headers: { "x-ms-operation-status": "InProgress" } },
        expect: { state: "running", rawStatus: "InProgress" },
      },
      {
        about: "Succeeded on a 200 with a body",
        answer: {
          status: 200,
          body: { id: "op-1", status: "ignored" },
          headers: { "x-ms-operation-status": "Succeeded" },
        },
        expect: { state: "succeeded", id: "op-1" },
      },
    ],
  },
  {
    name: "shape-retry-info",
    about: "a retry delay inside the error body (google.rpc.RetryInfo)",
    path: "/operations/op-1",
    spec: document("shape-retry-info", {
      path: "/operations/{id}",
      body: wordBody,
      examples: { done: { id: "op-1", status: "DONE" } },
      xOpwatch: {
        id: "/id",
        status: { pointer: "/status", map: { DONE: "succeeded" } },
        errorBody: {
          code: "/error/code",
          message: "/error/message",
          retryDelay: {
            pointer: "/error/details",
            entry: { "@type": "type.googleapis.com/google.rpc.RetryInfo" },
            field: "/retryDelay",
          },
        },
      },
    }),
    samples: [
      {
        about: "a 429 RESOURCE_EXHAUSTED that asks for 3s",
        answer: {
          status: 429,
          body: {
            error: {
              code: 429,
              message: "Quota exceeded for quota metric 'Read requests'.",
              details: [
                { "@type": "type.googleapis.com/google.rpc.ErrorInfo" },
                { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "3s" },
              ],
            },
          },
        },
        expect: {
          throws: { name: "RateLimitError", retryAfter: 3 },
          message: /^Wait 3 s \(the error body's retryDelay\)/,
        },
      },
    ],
  },
  {
    name: "shape-result-url",
    about: "the result's URL in the body (fal's queue: response_url), once completed",
    path: "/fal-ai/fast-sdxl/requests/op-1/status",
    spec: document("shape-result-url", {
      path: "/fal-ai/fast-sdxl/requests/{id}/status",
      body: object(
        "A queue status.",
        {
          status: text("IN_QUEUE, IN_PROGRESS or COMPLETED."),
          queue_position: int("Requests ahead."),
          response_url: text("Where the result is."),
        },
        ["status"],
      ),
      examples: {
        IN_QUEUE: {
          status: "IN_QUEUE",
          queue_position: 2,
          response_url: "https://queue.fal.run/fal-ai/fast-sdxl/requests/op-1",
        },
        IN_PROGRESS: { status: "IN_PROGRESS", response_url: "https://queue.fal.run/fal-ai/fast-sdxl/requests/op-1" },
        COMPLETED: { status: "COMPLETED", response_url: "https://queue.fal.run/fal-ai/fast-sdxl/requests/op-1" },
      },
      xOpwatch: {
        status: { pointer: "/status", map: { IN_QUEUE: "queued", IN_PROGRESS: "running", COMPLETED: "succeeded" } },
        resultUrl: "/response_url",
      },
    }),
    samples: [
      {
        about: "COMPLETED with its response_url",
        answer: {
          status: 200,
          body: { status: "COMPLETED", response_url: "https://queue.fal.run/fal-ai/fast-sdxl/requests/op-1" },
        },
        expect: { state: "succeeded", id: "op-1", resultUrl: "https://queue.fal.run/fal-ai/fast-sdxl/requests/op-1" },
      },
      {
        about: "IN_PROGRESS without a result URL yet, though the body names one",
        answer: {
          status: 200,
          body: { status: "IN_PROGRESS", response_url: "https://queue.fal.run/fal-ai/fast-sdxl/requests/op-1" },
        },
        expect: { state: "running", resultUrl: undefined },
      },
      {
        about: "a result URL that is not an absolute http(s) URL as none",
        answer: { status: 200, body: { status: "COMPLETED", response_url: "javascript:alert(1)" } },
        expect: { state: "succeeded", resultUrl: undefined },
      },
      {
        about: "a result URL with spaces and controls, percent-encoded",
        answer: { status: 200, body: { status: "COMPLETED", response_url: "https://queue.fal.run/r/a b\u001b[31m" } },
        expect: { state: "succeeded", resultUrl: "https://queue.fal.run/r/a%20b%1B[31m" },
      },
    ],
  },
  {
    name: "shape-refill",
    about: "declared rate-limit semantics (a reset that is a full refill)",
    path: "/operations/op-1",
    spec: document("shape-refill", {
      path: "/operations/{id}",
      body: wordBody,
      examples: { done: { id: "op-1", status: "done" } },
      xOpwatch: {
        id: "/id",
        status: { pointer: "/status", map: { done: "succeeded" } },
        errorBody: { message: "/message" },
        rateLimit: { reset: "refill", refillSeconds: 1 },
      },
    }),
    samples: [
      {
        about: "a 429 whose reset is an hour away as a one-second wait, naming the header",
        answer: {
          status: 429,
          body: { message: "rate limited" },
          headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3601" },
        },
        expect: {
          throws: { name: "RateLimitError", retryAfter: 1 },
          message: /^Wait 1 s \(X-RateLimit-Reset, one request back every 1 s\)/,
        },
      },
    ],
  },
];
