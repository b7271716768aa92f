// The real APIs of this folder whose status needs the newer x-opwatch shapes (see specs/README.md): a
// Kubernetes Job (the outcome in `status.conditions[]`, progress as a ratio of two fields) and an Azure
// asynchronous operation (a required `?api-version=` on the status URL, any other word running, the request id
// in `x-ms-request-id`). Rows of the end-to-end table (table.ts), in its format.
import { error, type RealApi } from "./table.js";

const AZURE_OPERATION =
  "/subscriptions/9b4c8e0a-2f6d-4e3b-8a1c-5d7e9f0a1b2c/providers/Microsoft.Compute/locations/westus/operations/5ad8e7b4-9c1f-4a43-8e2b-0d6f4c3b2a19";

export const SHAPE_APIS: RealApi[] = [
  {
    spec: "kubernetes-job.yaml",
    operationId: "readBatchV1NamespacedJobStatus",
    path: "/apis/batch/v1/namespaces/default/jobs/pi/status",
    params: { namespace: "default", name: "pi" },
    runs: [
      { name: "no start → active → Complete condition", play: ["queued", "running", "complete"], state: "succeeded" },
      {
        name: "active → FailureTarget → Failed condition",
        play: ["running", "failureTarget", "failed"],
        state: "failed",
        message: "backoff limit",
      },
      {
        // API Priority and Fairness answers 429 with Retry-After and a Status body.
        name: "a 429 with Retry-After, then Complete",
        play: [
          "running",
          () => ({
            status: 429,
            headers: { "Retry-After": "1" },
            body: error("kubernetes-job.yaml", "readBatchV1NamespacedJobStatus", "429"),
          }),
          "complete",
        ],
        state: "succeeded",
        pausedAtLeastMs: 900,
      },
    ],
  },
  {
    spec: "azure-async-operation.yaml",
    operationId: "Operations_GetAsyncOperationStatus",
    path: `${AZURE_OPERATION}?api-version=2024-07-01`,
    params: {
      subscriptionId: "9b4c8e0a-2f6d-4e3b-8a1c-5d7e9f0a1b2c",
      location: "westus",
      operationId: "5ad8e7b4-9c1f-4a43-8e2b-0d6f4c3b2a19",
    },
    query: { "api-version": "2024-07-01" },
    runs: [
      { name: "Accepted → InProgress → Succeeded", play: ["Accepted", "InProgress", "Succeeded"], state: "succeeded" },
      { name: "InProgress → Failed", play: ["InProgress", "Failed"], state: "failed", message: "OS Provisioning" },
      { name: "InProgress → Canceled", play: ["InProgress", "Canceled"], state: "canceled" },
      {
        name: "a 429 with Retry-After and x-ms-request-id, then Succeeded",
        play: [
          "InProgress",
          () => ({
            status: 429,
            headers: { "Retry-After": "1", "x-ms-request-id": "a1b2c3d4-0000-4000-8000-000000000001" },
            body: error("azure-async-operation.yaml", "Operations_GetAsyncOperationStatus", "429"),
          }),
          "Succeeded",
        ],
        state: "succeeded",
        pausedAtLeastMs: 900,
      },
    ],
  },
];
