// The real APIs the end-to-end test takes through every provider-author step: each spec in this folder,
// the operation opwatch polls, one operation's path, and runs the loopback stand-in plays as the API
// documents them (the 200 bodies are the spec's own named examples; pushback as the API's reference says).
import { join } from "node:path";
import { findOperation, loadSpecDocument, type ScriptStep } from "@opwatch/testkit";
import { JOB_APIS } from "./job-apis.js";
import { SHAPE_APIS } from "./shape-apis.js";

/**
 * One answer of a run: a named 200 example of the spec (`"running"`), a named example of another documented
 * status (`"202 running"`), or an answer built when it is sent.
 */
export type Play = string | (() => ScriptStep);

export interface Run {
  /** What the run shows, for the test title. */
  name: string;
  /** The answers in order; the last repeats. */
  play: Play[];
  /** The state the wait must end in. */
  state: "succeeded" | "failed" | "canceled";
  /** Part of the final status's error message (a failed or canceled run). */
  message?: string;
  /** The least time the wait must take (a documented pause it must honour), in ms. */
  pausedAtLeastMs?: number;
  /** The final status's progress (0..1), where the API gives one. */
  progress?: number;
  /** The final status's result URL, where the API gives one. */
  resultUrl?: string;
}

export interface RealApi {
  /** Spec file in this folder (the provider's name is the file name). */
  spec: string;
  operationId: string;
  /** One operation's path under the base URL, and its params as the typed client takes them. */
  path: string;
  params: Record<string, string | number>;
  /** The credential as its user gives it (fal's `Key <key>`), when not a plain token. */
  token?: string;
  /** The header that carries the token (`Authorization: Bearer <token>` when absent). */
  auth?: { header: string; value: (token: string) => string };
  /** The final status's `createdAt` (ISO), read from the examples' timestamp field. */
  createdAt?: string;
  /** Its required query parameters as the raw typed client takes them (the path carries them too). */
  query?: Record<string, string>;
  runs: Run[];
}

export const realApisDir = import.meta.dirname;
const epochIn = (seconds: number) => String(Math.ceil(Date.now() / 1000) + seconds);
/** A node of the spec, its local `$ref` followed. */
// biome-ignore lint/suspicious/noExplicitAny: a spec is untyped YAML.
function deref(doc: any, node: any): any {
  if (typeof node?.$ref !== "string") return node;
  return (node.$ref as string)
    .slice(2)
    .split("/")
    .reduce((at, key) => at?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], doc);
}

/** The body of a documented error answer: its first named example, or its single `example`. */
export function error(spec: string, operationId: string, status: string): unknown {
  const doc = loadSpecDocument(join(realApisDir, spec));
  const response = deref(doc, findOperation(doc, operationId).operation.responses?.[status]);
  const media = Object.values<{ example?: unknown; examples?: Record<string, unknown> }>(response?.content ?? {})[0];
  const named = Object.values(media?.examples ?? {})[0];
  const body = named === undefined ? media?.example : (deref(doc, named) as { value?: unknown }).value;
  if (body === undefined) throw new Error(`${spec}: ${operationId} documents no ${status} example`);
  return body;
}

export const REAL_APIS: RealApi[] = [
  {
    spec: "github-actions.yaml",
    operationId: "actions/get-workflow-run",
    path: "/repos/octo-org/hello-world/actions/runs/30433642",
    params: { owner: "octo-org", repo: "hello-world", run_id: 30433642 },
    runs: [
      { name: "queued → in progress → success", play: ["queued", "in_progress", "success"], state: "succeeded" },
      { name: "in progress → failure", play: ["in_progress", "failure"], state: "failed" },
      { name: "in progress → cancelled", play: ["in_progress", "cancelled"], state: "canceled" },
      {
        // docs.github.com: a secondary rate limit is a 403 with `retry-after`; a spent primary budget is a
        // 403 with `x-ratelimit-remaining: 0` and the reset in epoch seconds.
        name: "a 403 with retry-after, then a 403 with the budget spent, then success",
        play: [
          "in_progress",
          () => ({
            status: 403,
            headers: { "retry-after": "1" },
            body: error("github-actions.yaml", "actions/get-workflow-run", "403"),
          }),
          () => ({
            status: 403,
            headers: { "x-ratelimit-remaining": "0", "x-ratelimit-reset": epochIn(1) },
            body: error("github-actions.yaml", "actions/get-workflow-run", "403"),
          }),
          "success",
        ],
        state: "succeeded",
        pausedAtLeastMs: 900,
      },
    ],
  },
  {
    spec: "google-operations.yaml",
    operationId: "run.projects.locations.operations.get",
    path: "/v2/projects/my-project/locations/us-central1/operations/e1d4e7a1-0c39-4b6d-9f0b-1f2a3b4c5d6e",
    params: { name: "projects/my-project/locations/us-central1/operations/e1d4e7a1-0c39-4b6d-9f0b-1f2a3b4c5d6e" },
    runs: [
      { name: "done omitted → response", play: ["running", "notDone", "succeeded"], state: "succeeded" },
      { name: "running → error", play: ["running", "failed"], state: "failed" },
      { name: "running → cancelled (error.code 1)", play: ["running", "cancelled"], state: "canceled" },
      {
        // RESOURCE_EXHAUSTED without a Retry-After: the wait backs off and goes on.
        name: "a 429 RESOURCE_EXHAUSTED, then done",
        play: [
          "running",
          () => ({
            status: 429,
            body: error("google-operations.yaml", "run.projects.locations.operations.get", "429"),
          }),
          "succeeded",
        ],
        state: "succeeded",
      },
    ],
  },
  {
    spec: "digitalocean-actions.yaml",
    operationId: "actions_get",
    path: "/v2/actions/36804636",
    params: { action_id: 36804636 },
    runs: [
      { name: "in-progress → completed", play: ["in-progress", "completed"], state: "succeeded" },
      { name: "in-progress → errored", play: ["in-progress", "errored"], state: "failed" },
      {
        // A 429 with the budget spent and `ratelimit-reset` in epoch seconds.
        name: "a 429 with ratelimit-remaining 0, then completed",
        play: [
          "in-progress",
          () => ({
            status: 429,
            headers: { "ratelimit-limit": "5000", "ratelimit-remaining": "0", "ratelimit-reset": epochIn(1) },
            body: error("digitalocean-actions.yaml", "actions_get", "429"),
          }),
          "completed",
        ],
        state: "succeeded",
        pausedAtLeastMs: 900,
      },
    ],
  },
  {
    spec: "replicate-predictions.yaml",
    operationId: "predictions.get",
    path: "/predictions/gm3qorzdhgbfurvjtvhg6dckhu",
    params: { prediction_id: "gm3qorzdhgbfurvjtvhg6dckhu" },
    runs: [
      { name: "starting → processing → succeeded", play: ["starting", "processing", "succeeded"], state: "succeeded" },
      { name: "processing → failed", play: ["processing", "failed"], state: "failed" },
      { name: "processing → canceled", play: ["processing", "canceled"], state: "canceled" },
      {
        name: "a 429 with Retry-After, then succeeded",
        play: [
          "processing",
          () => ({
            status: 429,
            headers: { "Retry-After": "1" },
            body: error("replicate-predictions.yaml", "predictions.get", "429"),
          }),
          "succeeded",
        ],
        state: "succeeded",
        pausedAtLeastMs: 900,
      },
    ],
  },
  {
    spec: "openai-batches.yaml",
    operationId: "retrieveBatch",
    path: "/batches/batch_abc123",
    params: { batch_id: "batch_abc123" },
    createdAt: new Date(1711471533 * 1000).toISOString(),
    runs: [
      {
        // request_counts.completed counts the requests that succeeded: 95 of 100 (5 failed).
        name: "validating → in progress → finalizing → completed, progress completed / total",
        play: ["validating", "in_progress", "finalizing", "completed"],
        state: "succeeded",
        progress: 0.95,
      },
      { name: "in progress → failed", play: ["in_progress", "failed"], state: "failed" },
      { name: "in progress → expired", play: ["in_progress", "expired"], state: "failed" },
      {
        name: "in progress → cancelling → cancelled",
        play: ["in_progress", "cancelling", "cancelled"],
        state: "canceled",
      },
    ],
  },
  ...SHAPE_APIS,
];

REAL_APIS.push(
  {
    spec: "hetzner-actions.yaml",
    operationId: "get_action",
    path: "/actions/42",
    params: { id: 42 },
    runs: [
      { name: "running → success", play: ["running", "success"], state: "succeeded" },
      { name: "running → error", play: ["running", "error"], state: "failed", message: "Action failed" },
      {
        // docs.hetzner.cloud: a spent budget is a 429 with RateLimit-Remaining 0 and RateLimit-Reset the UNIX
        // time of a full refill (an hour away); one request comes back every second, so the wait is 1 s.
        name: "a 429 with RateLimit-Remaining 0 and a full refill an hour away waits one second, then success",
        play: [
          "running",
          () => ({
            status: 429,
            headers: { "RateLimit-Limit": "3600", "RateLimit-Remaining": "0", "RateLimit-Reset": epochIn(3600) },
            body: error("hetzner-actions.yaml", "get_action", "429"),
          }),
          "success",
        ],
        state: "succeeded",
        pausedAtLeastMs: 900,
      },
    ],
  },
  {
    spec: "anthropic-message-batches.yaml",
    operationId: "beta_message_batches_retrieve",
    path: "/v1/messages/batches/msgbatch_013Zva2CMHLNnXjNJJKqJ2EF",
    params: { message_batch_id: "msgbatch_013Zva2CMHLNnXjNJJKqJ2EF" },
    createdAt: "2024-08-20T18:37:24.100Z",
    auth: { header: "x-api-key", value: (token) => token },
    runs: [
      { name: "in progress → ended", play: ["in_progress", "ended"], state: "succeeded" },
      {
        name: "a 429 with retry-after, then canceling → ended after the cancel",
        play: [
          "in_progress",
          () => ({
            status: 429,
            headers: { "retry-after": "1" },
            body: error("anthropic-message-batches.yaml", "beta_message_batches_retrieve", "429"),
          }),
          "canceling",
          "canceled",
        ],
        state: "canceled",
        pausedAtLeastMs: 900,
      },
    ],
  },
  {
    spec: "mistral-batch-jobs.yaml",
    operationId: "jobs_api_routes_batch_get_batch_job",
    path: "/v1/batch/jobs/b6f4c7a2-3e1d-4f0a-9c8b-2d5e6f7a8b9c",
    params: { job_id: "b6f4c7a2-3e1d-4f0a-9c8b-2d5e6f7a8b9c" },
    createdAt: new Date(1717000000 * 1000).toISOString(),
    runs: [
      { name: "QUEUED → RUNNING → SUCCESS", play: ["QUEUED", "RUNNING", "SUCCESS"], state: "succeeded" },
      { name: "RUNNING → FAILED", play: ["RUNNING", "FAILED"], state: "failed" },
      { name: "RUNNING → TIMEOUT_EXCEEDED", play: ["RUNNING", "TIMEOUT_EXCEEDED"], state: "failed" },
      {
        name: "RUNNING → CANCELLATION_REQUESTED → CANCELLED",
        play: ["RUNNING", "CANCELLATION_REQUESTED", "CANCELLED"],
        state: "canceled",
      },
    ],
  },
);

REAL_APIS.push(...JOB_APIS);

/** The provider's name: its spec's file name. */
export const providerName = (api: RealApi) => api.spec.replace(/\.yaml$/, "");
