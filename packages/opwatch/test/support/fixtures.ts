// One fixture per provider: spec-valid scripted answers (built from the specs' own examples) and what
// the facade must make of them. Every answer is validated against the spec by the scripted server.
import { bentley, description as bentleyDescription } from "@opwatch/bentley";
import type { OperationState, ProviderDescription } from "@opwatch/core";
import { ecl, description as eclDescription } from "@opwatch/ecl";
import { keycard, description as keycardDescription } from "@opwatch/keycard";
import { sourcecraft, description as sourcecraftDescription } from "@opwatch/sourcecraft";
import { examplesOf, type ScriptStep } from "@opwatch/testkit";
import { type ProviderRegistration, register } from "../../src/index.js";

export const TOKEN = "tok_4c1e2f9a7b3d46e8a0f5c2d9e1b7a3c6";

export interface ProviderFixture {
  name: string;
  spec: string;
  operationId: string;
  /** Path of the operation on the server, ids filled in. */
  path: string;
  /** The provider's whole description (its package's `description`), as the tests read the spec. */
  description: ProviderDescription;
  register(baseUrl: string, token?: string | (() => Promise<string>)): ProviderRegistration;
  /** Header carrying the token, lower-case, and its expected value. */
  auth(token: string): [string, string];
  /** queued → running → succeeded (as far as the provider has those states). */
  progression: ScriptStep[];
  states: OperationState[];
  progress?: (number | undefined)[];
  running: ScriptStep;
  failed: ScriptStep;
  failure: { code?: string; message: string };
  canceled?: ScriptStep;
  /** A 200 whose status word the spec does not know yet. */
  unknown: ScriptStep;
  unknownWord: string;
  /** The provider's documented answer to "slow down", with Retry-After: 1. */
  throttled: ScriptStep;
  serverError: ScriptStep;
  unauthorized: ScriptStep;
}

const ok = (body: unknown, headers?: Record<string, string>): ScriptStep => ({
  status: 200,
  body,
  ...(headers ? { headers } : {}),
});
const ex = (spec: string, op: string, status: string) => examplesOf(spec, op, status);
const withStatus = (body: unknown, path: string[], value: string) => {
  const copy = structuredClone(body) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path.at(-1) as string] = value;
  return copy;
};

const sc = ex("sourcecraft", "getSecretOperation", "200");
const scErr = ex("sourcecraft", "getSecretOperation", "default");
const kc = ex("keycard", "getCatalogTask", "200");
const bt = ex("bentley", "getScheduleOperation", "200");
const ec = ex("ecl", "getOperation", "200");
const etag = (v: string) => ({ ETag: `"${v}"` });

export const fixtures: ProviderFixture[] = [
  {
    name: "sourcecraft",
    spec: "sourcecraft",
    operationId: "getSecretOperation",
    path: "/operations/secrets/id:7f1c2b9e-secret-op",
    description: sourcecraftDescription,
    register: (baseUrl, token = TOKEN) => register(sourcecraft, { token, baseUrl }),
    auth: (token) => ["authorization", `Bearer ${token}`],
    progression: [ok(sc.scheduled), ok(sc.in_progress), ok(sc.success)],
    states: ["queued", "running", "succeeded"],
    running: ok(sc.in_progress),
    failed: ok(sc.failed),
    failure: { code: "secret_value_too_large", message: "The secret value exceeds 64 KiB." },
    canceled: ok(sc.cancel),
    unknown: ok(withStatus(sc.in_progress, ["status"], "paused")),
    unknownWord: "paused",
    throttled: { status: 429, body: scErr.notFound, headers: { "Retry-After": "1" } },
    serverError: { status: 503, body: scErr.notFound },
    unauthorized: { status: 401, body: scErr.unauthenticated },
  },
  {
    name: "keycard",
    spec: "keycard",
    operationId: "getCatalogTask",
    path: "/zones/zone_5hq2c8/catalog_tasks/task_3kd9x1",
    description: keycardDescription,
    register: (baseUrl, token = TOKEN) => register(keycard, { token, baseUrl }),
    auth: (token) => ["authorization", `Bearer ${token}`],
    progression: [
      ok(kc.pending),
      ok(kc.running),
      { status: 303, headers: { Location: "/zones/zone_5hq2c8/installs/inst_7tq4zb" } },
    ],
    states: ["queued", "running", "succeeded"],
    running: ok(kc.running),
    failed: ok(kc.failed),
    failure: { message: (kc.failed as { error_message: string }).error_message },
    unknown: ok(withStatus(kc.running, ["status"], "paused")),
    unknownWord: "paused",
    throttled: {
      status: 429,
      body: ex("keycard", "getCatalogTask", "429").rate_limit_exceeded,
      headers: { "Retry-After": "1" },
    },
    serverError: { status: 500, body: ex("keycard", "getCatalogTask", "500").internal_error },
    unauthorized: { status: 401, body: ex("keycard", "getCatalogTask", "401").unauthorized },
  },
  {
    name: "bentley",
    spec: "bentley",
    operationId: "getScheduleOperation",
    path: "/schedules/b4a7e3f0-2d1c-4e8b-9f6a-1c2d3e4f5a6b/operations/bdc8fb5d-ce72-42f9-8818-bb2942927428",
    description: bentleyDescription,
    register: (baseUrl, token = TOKEN) => register(bentley, { token, baseUrl }),
    auth: (token) => ["authorization", `Bearer ${token}`],
    progression: [ok(bt.queued, etag("q")), ok(bt.started, etag("s")), ok(bt.succeeded, etag("d"))],
    states: ["queued", "running", "succeeded"],
    progress: [0, 0.425, 1],
    running: ok(bt.started, etag("s")),
    failed: ok(bt.failed, etag("f")),
    failure: { code: "Failed", message: "An error occurred whilst processing your request." },
    unknown: ok(withStatus(bt.started, ["operation", "status"], "Paused"), etag("u")),
    unknownWord: "Paused",
    throttled: {
      status: 429,
      body: ex("bentley", "getScheduleOperation", "429").RateLimitExceeded,
      headers: { "Retry-After": "1" },
    },
    serverError: { status: 503, body: ex("bentley", "getScheduleOperation", "default").InternalServerError },
    unauthorized: { status: 401, body: ex("bentley", "getScheduleOperation", "401").HeaderNotFound },
  },
  {
    name: "ecl",
    spec: "ecl",
    operationId: "getOperation",
    path: "/v1.0/operations/75aab8db-8632-42b4-af2f-06b5820798ef",
    description: eclDescription,
    register: (baseUrl, token = TOKEN) => register(ecl, { token, baseUrl }),
    auth: (token) => ["x-auth-token", token],
    progression: [ok(ec.processing), ok(ec.complete)],
    states: ["running", "succeeded"],
    running: ok(ec.processing),
    failed: ok(ec.error),
    failure: { message: (ec.error as { operation: { error: string } }).operation.error },
    unknown: ok(withStatus(ec.processing, ["operation", "status"], "PAUSED")),
    unknownWord: "PAUSED",
    // ECL documents no 429; its overload answer is the nginx 500, here with Retry-After.
    throttled: {
      status: 500,
      body: ex("ecl", "getOperation", "500").internalServerError,
      headers: { "Retry-After": "1" },
    },
    serverError: { status: 500, body: ex("ecl", "getOperation", "500").internalServerError },
    unauthorized: { status: 401, body: ex("ecl", "getOperation", "401").unauthorized },
  },
];
