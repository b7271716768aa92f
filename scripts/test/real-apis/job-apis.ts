// More real APIs with long-running work, each with its own status shape: BigQuery jobs (DONE plus an
// errorResult), Databricks runs (a life-cycle word plus a result word, named by a query parameter alone),
// Bitbucket pipelines (a nested result, a UUID in braces), HCP Terraform runs (JSON:API, an open set of
// words), GitLab pipelines (a project path in one segment, a PRIVATE-TOKEN header), Vercel deployments (epoch
// milliseconds), Neon operations, AssemblyAI transcripts (the key as the whole Authorization header), RunPod
// serverless jobs, and three whose state is the HTTP answer or whose result is a URL: Snowflake's SQL API (202
// running, 200 done, 422 failed, each with a body), Stability AI results (202, then the result with no status
// word) and fal.ai's queue (`response_url`, the key sent as `Key <key>`). Rows of the end-to-end table
// (table.ts), in its format.
import { error, type RealApi } from "./table.js";

const epochIn = (seconds: number) => String(Math.ceil(Date.now() / 1000) + seconds);
const BITBUCKET_UUID = "{8c2d5f4e-3b1a-4c6d-9e8f-7a6b5c4d3e2f}";

export const JOB_APIS: RealApi[] = [
  {
    spec: "bigquery-jobs.yaml",
    operationId: "bigquery.jobs.get",
    path: "/projects/my-project/jobs/job_4Lr0gC2v1rQ9",
    params: { projectId: "my-project", jobId: "job_4Lr0gC2v1rQ9" },
    createdAt: new Date(1717000000123).toISOString(),
    runs: [
      { name: "PENDING → RUNNING → DONE", play: ["PENDING", "RUNNING", "DONE"], state: "succeeded" },
      {
        name: "RUNNING → DONE with an errorResult",
        play: ["RUNNING", "failed"],
        state: "failed",
        message: "Syntax error",
      },
      {
        name: "RUNNING → DONE with errorResult stopped (jobs.cancel)",
        play: ["RUNNING", "canceled"],
        state: "canceled",
        message: "User requested cancellation",
      },
      {
        // A rateLimitExceeded 429 without Retry-After: the wait backs off and goes on.
        name: "a 429 rateLimitExceeded, then DONE",
        play: [
          "RUNNING",
          () => ({ status: 429, body: error("bigquery-jobs.yaml", "bigquery.jobs.get", "429") }),
          "DONE",
        ],
        state: "succeeded",
      },
    ],
  },
  {
    spec: "databricks-runs.yaml",
    operationId: "jobs.getRun",
    path: "/api/2.1/jobs/runs/get?run_id=455644833",
    params: { run_id: 455644833 },
    query: { run_id: "455644833" },
    createdAt: new Date(1717000000123).toISOString(),
    runs: [
      {
        name: "QUEUED → PENDING → RUNNING → TERMINATED with SUCCESS",
        play: ["QUEUED", "PENDING", "RUNNING", "TERMINATING", "succeeded"],
        state: "succeeded",
      },
      {
        name: "RUNNING → TERMINATED with FAILED",
        play: ["RUNNING", "failed"],
        state: "failed",
        message: "Workload failed",
      },
      { name: "RUNNING → TERMINATED with CANCELED", play: ["RUNNING", "canceled"], state: "canceled" },
      {
        name: "PENDING → INTERNAL_ERROR",
        play: ["PENDING", "INTERNAL_ERROR"],
        state: "failed",
        message: "was terminated",
      },
      {
        name: "a 429 REQUEST_LIMIT_EXCEEDED, then SUCCESS",
        play: [
          "RUNNING",
          () => ({
            status: 429,
            headers: { "Retry-After": "1" },
            body: error("databricks-runs.yaml", "jobs.getRun", "429"),
          }),
          "succeeded",
        ],
        state: "succeeded",
        pausedAtLeastMs: 900,
      },
    ],
  },
  {
    spec: "bitbucket-pipelines.yaml",
    operationId: "getPipelineForRepository",
    path: `/repositories/acme/web-app/pipelines/${encodeURIComponent(BITBUCKET_UUID)}`,
    params: { workspace: "acme", repo_slug: "web-app", pipeline_uuid: BITBUCKET_UUID },
    createdAt: "2024-05-29T16:26:40.123Z",
    runs: [
      {
        name: "PENDING → IN_PROGRESS → SUCCESSFUL",
        play: ["PENDING", "IN_PROGRESS", "SUCCESSFUL"],
        state: "succeeded",
      },
      { name: "IN_PROGRESS → PAUSED → FAILED", play: ["IN_PROGRESS", "PAUSED", "FAILED"], state: "failed" },
      {
        name: "IN_PROGRESS → ERROR with the pipeline error's message",
        play: ["IN_PROGRESS", "ERROR"],
        state: "failed",
        message: "error in your bitbucket-pipelines.yml",
      },
      { name: "IN_PROGRESS → STOPPED", play: ["IN_PROGRESS", "STOPPED"], state: "canceled" },
    ],
  },
  {
    spec: "terraform-cloud-runs.yaml",
    operationId: "getRun",
    path: "/runs/run-CZcmD7eagjhyX0vN",
    params: { run_id: "run-CZcmD7eagjhyX0vN" },
    createdAt: "2024-05-29T16:26:40.171Z",
    runs: [
      {
        name: "pending → plan_queued → planning → policy_checking → apply_queued → applying → applied",
        play: ["pending", "plan_queued", "planning", "policy_checking", "apply_queued", "applying", "applied"],
        state: "succeeded",
      },
      { name: "planning → planned_and_finished", play: ["planning", "planned_and_finished"], state: "succeeded" },
      { name: "planning → errored", play: ["planning", "errored"], state: "failed" },
      { name: "planning → discarded", play: ["planning", "discarded"], state: "canceled" },
      { name: "applying → force_canceled", play: ["applying", "force_canceled"], state: "canceled" },
      {
        // 30 requests a second: X-RateLimit-Reset is the seconds left as a decimal.
        name: "a 429 with X-RateLimit-Reset 0.472, then applied",
        play: [
          "planning",
          () => ({
            status: 429,
            headers: { "X-RateLimit-Limit": "30", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "0.472" },
            body: error("terraform-cloud-runs.yaml", "getRun", "429"),
          }),
          "applied",
        ],
        state: "succeeded",
        pausedAtLeastMs: 400,
      },
    ],
  },
  {
    spec: "gitlab-pipelines.yaml",
    operationId: "getApiV4ProjectsIdPipelinesPipelineId",
    path: "/projects/gitlab-org%2Fgitlab/pipelines/1187",
    params: { id: "gitlab-org/gitlab", pipeline_id: 1187 },
    auth: { header: "PRIVATE-TOKEN", value: (token) => token },
    createdAt: "2024-05-29T16:26:40.123Z",
    runs: [
      {
        name: "created → waiting_for_resource → preparing → pending → running → success",
        play: ["created", "waiting_for_resource", "preparing", "pending", "running", "success"],
        state: "succeeded",
      },
      { name: "running → failed", play: ["running", "failed"], state: "failed" },
      { name: "running → canceling → canceled", play: ["running", "canceling", "canceled"], state: "canceled" },
      { name: "manual → skipped", play: ["manual", "skipped"], state: "canceled" },
      {
        // Retry-After wins on a 429 over a RateLimit-Reset a minute away.
        name: "a 429 with Retry-After 1 beside RateLimit-Reset a minute away, then success",
        play: [
          "running",
          () => ({
            status: 429,
            headers: { "Retry-After": "1", "RateLimit-Remaining": "0", "RateLimit-Reset": epochIn(60) },
            body: error("gitlab-pipelines.yaml", "getApiV4ProjectsIdPipelinesPipelineId", "429"),
          }),
          "success",
        ],
        state: "succeeded",
        pausedAtLeastMs: 900,
      },
    ],
  },
  {
    spec: "vercel-deployments.yaml",
    operationId: "getDeployment",
    path: "/v13/deployments/dpl_89qyp1cskzkLrVicDaZoDbjyHuDJ",
    params: { idOrUrl: "dpl_89qyp1cskzkLrVicDaZoDbjyHuDJ" },
    createdAt: new Date(1717000000123).toISOString(),
    runs: [
      {
        name: "QUEUED → INITIALIZING → BUILDING → READY",
        play: ["QUEUED", "INITIALIZING", "BUILDING", "READY"],
        state: "succeeded",
      },
      { name: "BUILDING → ERROR", play: ["BUILDING", "ERROR"], state: "failed", message: "exited with 1" },
      { name: "BUILDING → CANCELED", play: ["BUILDING", "CANCELED"], state: "canceled" },
      {
        name: "a 429 with X-RateLimit-Remaining 0, then READY",
        play: [
          "BUILDING",
          () => ({
            status: 429,
            headers: { "X-RateLimit-Limit": "500", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": epochIn(1) },
            body: error("vercel-deployments.yaml", "getDeployment", "429"),
          }),
          "READY",
        ],
        state: "succeeded",
        pausedAtLeastMs: 900,
      },
    ],
  },
  {
    spec: "neon-operations.yaml",
    operationId: "getProjectOperation",
    path: "/projects/floral-king-961888/operations/a07f8772-1877-4da9-a939-3a3ae62d1d8d",
    params: { project_id: "floral-king-961888", operation_id: "a07f8772-1877-4da9-a939-3a3ae62d1d8d" },
    createdAt: "2024-05-29T16:26:40.000Z",
    runs: [
      { name: "scheduling → running → finished", play: ["scheduling", "running", "finished"], state: "succeeded" },
      { name: "running → failed", play: ["running", "failed"], state: "failed", message: "compute quota exceeded" },
      { name: "running → error", play: ["running", "error"], state: "failed", message: "compute quota exceeded" },
      { name: "running → cancelling → cancelled", play: ["running", "cancelling", "cancelled"], state: "canceled" },
      { name: "scheduling → skipped", play: ["scheduling", "skipped"], state: "canceled" },
    ],
  },
  {
    spec: "assemblyai-transcripts.yaml",
    operationId: "getTranscript",
    path: "/v2/transcript/9ea68fd3-f953-42c1-9742-976c447fb463",
    params: { transcript_id: "9ea68fd3-f953-42c1-9742-976c447fb463" },
    auth: { header: "authorization", value: (token) => token },
    runs: [
      { name: "queued → processing → completed", play: ["queued", "processing", "completed"], state: "succeeded" },
      { name: "processing → error", play: ["processing", "error"], state: "failed", message: "Download error" },
      {
        name: "a 429, then completed",
        play: [
          "processing",
          () => ({ status: 429, body: error("assemblyai-transcripts.yaml", "getTranscript", "429") }),
          "completed",
        ],
        state: "succeeded",
      },
    ],
  },
  {
    spec: "runpod-serverless.yaml",
    operationId: "getJobStatus",
    path: "/32vgrms732dkwi/status/sync-6d3f28e0-9d4f-4c8e-a0b1-2c3d4e5f6a7b-u1",
    params: { endpoint_id: "32vgrms732dkwi", job_id: "sync-6d3f28e0-9d4f-4c8e-a0b1-2c3d4e5f6a7b-u1" },
    runs: [
      {
        name: "IN_QUEUE → IN_PROGRESS → COMPLETED",
        play: ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"],
        state: "succeeded",
      },
      { name: "IN_PROGRESS → FAILED", play: ["IN_PROGRESS", "FAILED"], state: "failed", message: "CUDA out of memory" },
      { name: "IN_PROGRESS → CANCELLED", play: ["IN_PROGRESS", "CANCELLED"], state: "canceled" },
      { name: "IN_PROGRESS → TIMED_OUT", play: ["IN_PROGRESS", "TIMED_OUT"], state: "failed" },
    ],
  },
  {
    spec: "snowflake-sql-statements.yaml",
    operationId: "GetStatementStatus",
    path: "/api/v2/statements/01b0ea7c-0001-9e2c-0000-0f2d00a4b8c6",
    params: { statementHandle: "01b0ea7c-0001-9e2c-0000-0f2d00a4b8c6" },
    runs: [
      {
        name: "202 in progress → 200 result set",
        play: ["202 running", "202 running", "succeeded"],
        state: "succeeded",
      },
      {
        name: "202 in progress → 422 SQL compilation error",
        play: ["202 running", "422 failed"],
        state: "failed",
        message: "invalid identifier 'NOPE'",
      },
      {
        name: "202 in progress → 422 SQL execution canceled",
        play: ["202 running", "422 canceled"],
        state: "canceled",
      },
      {
        name: "a 429, then the result set",
        play: [
          "202 running",
          () => ({
            status: 429,
            headers: { "Retry-After": "1" },
            body: error("snowflake-sql-statements.yaml", "GetStatementStatus", "429"),
          }),
          "succeeded",
        ],
        state: "succeeded",
        pausedAtLeastMs: 900,
      },
    ],
  },
  {
    spec: "stability-results.yaml",
    operationId: "fetchAsyncGenerationResult",
    path: "/v2beta/results/a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4",
    params: { id: "a6dc6c6e20acda010fe14d71f180658f2896ed9b4ec25aa99a6ff06c796987c4" },
    runs: [
      { name: "202 in-progress → 200 SUCCESS", play: ["202 in_progress", "succeeded"], state: "succeeded" },
      { name: "202 in-progress → 200 CONTENT_FILTERED", play: ["202 in_progress", "filtered"], state: "failed" },
      {
        name: "a 429 over 150 requests in 10 s, then SUCCESS",
        play: [
          "202 in_progress",
          () => ({
            status: 429,
            body: error("stability-results.yaml", "fetchAsyncGenerationResult", "429"),
          }),
          "succeeded",
        ],
        state: "succeeded",
      },
    ],
  },
  {
    spec: "fal-queue.yaml",
    operationId: "getRequestStatus",
    path: "/fal-ai/fast-sdxl/requests/764cabcf-b745-4b3e-ae38-1200304cf45b/status",
    params: { request_id: "764cabcf-b745-4b3e-ae38-1200304cf45b" },
    token: "Key 7f3c9a1e-fal-key:5d1c0e9a7b",
    auth: { header: "authorization", value: (token) => token },
    runs: [
      {
        name: "IN_QUEUE → IN_PROGRESS → COMPLETED with its response_url",
        play: ["IN_QUEUE", "IN_PROGRESS", "COMPLETED"],
        state: "succeeded",
        resultUrl: "https://queue.fal.run/fal-ai/fast-sdxl/requests/764cabcf-b745-4b3e-ae38-1200304cf45b",
      },
      {
        name: "a 429, then COMPLETED",
        play: [
          "IN_QUEUE",
          () => ({ status: 429, body: error("fal-queue.yaml", "getRequestStatus", "429") }),
          "COMPLETED",
        ],
        state: "succeeded",
      },
    ],
  },
  {
    spec: "twilio-calls.yaml",
    operationId: "FetchCall",
    path: "/2010-04-01/Accounts/ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/Calls/CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.json",
    params: { AccountSid: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", Sid: "CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
    // HTTP Basic: the account SID and the auth token, joined by a colon.
    token: "ACaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:twilio-auth-token-5d1c0e9a7b",
    auth: { header: "authorization", value: (token) => `Basic ${Buffer.from(token).toString("base64")}` },
    runs: [
      {
        name: "queued → ringing → in-progress → completed",
        play: ["queued", "ringing", "in-progress", "completed"],
        state: "succeeded",
      },
      { name: "ringing → no-answer", play: ["ringing", "no-answer"], state: "failed" },
    ],
  },
];
