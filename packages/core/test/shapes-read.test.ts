// Each x-opwatch shape read end to end through core: a fetch answers as the real API documents, the reader
// reads it, the normalizer gives the state.

import { describe, expect, it } from "vitest";
import { describedProvider, toOperationStatus } from "../src/described/index.js";
import { createOperationReader, type ProviderDescription, RateLimitError } from "../src/index.js";
import { acme } from "./acme.js";

const TOKEN = "shape-token-0123456789";

function read(description: ProviderDescription, answer: () => Response) {
  const fetch: typeof globalThis.fetch = async () => answer();
  const reader = createOperationReader(describedProvider(description), { token: TOKEN, fetch });
  return reader.getOperation("j1").then((snapshot) => toOperationStatus(description, snapshot, reader.baseUrl));
}
const json =
  (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json", ...headers } });

// A Kubernetes batch/v1 Job (kubernetes.io/docs/reference/kubernetes-api/workload-resources/job-v1/).
const job = acme({
  adapter: {
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
});

describe("a Kubernetes Job: conditions[] matched by fields, AND rules, progress as a ratio", () => {
  it.each([
    [
      "a Failed condition in any position decides, with its reason and message",
      {
        status: {
          failed: 6,
          conditions: [
            { type: "FailureTarget", status: "True" },
            {
              type: "Failed",
              status: "True",
              reason: "BackoffLimitExceeded",
              message: "Job has reached the specified backoff limit",
            },
          ],
        },
      },
      {
        state: "failed",
        error: { code: "BackoffLimitExceeded", message: "Job has reached the specified backoff limit" },
      },
    ],
    [
      "Complete True is succeeded",
      { spec: { completions: 3 }, status: { succeeded: 3, conditions: [{ type: "Complete", status: "True" }] } },
      { state: "succeeded", progress: 1 },
    ],
    [
      "a Failed condition with status False does not fail it",
      {
        spec: { completions: 4 },
        status: { active: 1, succeeded: 1, conditions: [{ type: "Failed", status: "False" }] },
      },
      { state: "running", progress: 0.25 },
    ],
    ["active and suspended (AND) is queued", { spec: { suspend: true }, status: { active: 1 } }, { state: "queued" }],
  ])("%s", async (_, body, expected) => {
    const status = await read(
      job,
      json({ metadata: { name: "pi", creationTimestamp: "2024-01-02T03:04:05Z" }, ...body }),
    );
    expect(status).toMatchObject({ id: "pi", ...expected });
    expect(status.createdAt?.toISOString()).toBe("2024-01-02T03:04:05.000Z");
  });
});

describe("a status word with a default state, a failure message from two fields, epoch timestamps", () => {
  const open = acme({
    adapter: {
      status: { pointer: "/state", map: { done: "succeeded", error: "failed" }, default: "running" },
      failure: { code: "/error/type", message: ["/error/type", "/error/detail"] },
      createdAt: { pointer: "/created", epoch: "seconds" },
      updatedAt: { pointer: "/updated", epoch: "milliseconds" },
    },
  });
  it("reads any other word as the default state, keeping the word", async () => {
    const status = await read(
      open,
      json({ id: "j1", state: "warming_up", created: 1_700_000_000, updated: 1_700_000_000_250 }),
    );
    expect(status).toMatchObject({ state: "running", rawStatus: "warming_up" });
    expect(status.createdAt?.toISOString()).toBe("2023-11-14T22:13:20.000Z");
    expect(status.updatedAt?.toISOString()).toBe("2023-11-14T22:13:20.250Z");
  });
  it("joins the failure message from two fields", async () => {
    const status = await read(
      open,
      json({ id: "j1", state: "ERROR", error: { type: "quota", detail: "out of GPUs" } }),
    );
    expect(status).toMatchObject({ state: "failed", error: { code: "quota", message: "quota: out of GPUs" } });
  });
});

describe("state carried by the HTTP answer or a header", () => {
  const answers = acme({
    adapter: {
      status: { pointer: "/state", map: { done: "succeeded" } },
      answers: { "202": "running", "204": "succeeded" },
    },
  });
  it("reads 202 with no body as running and 204 as succeeded", async () => {
    expect(await read(answers, () => new Response(null, { status: 202 }))).toMatchObject({
      state: "running",
      id: "j1",
    });
    expect(await read(answers, () => new Response(null, { status: 204 }))).toMatchObject({
      state: "succeeded",
      done: true,
      progress: 1,
    });
    expect(await read(answers, json({ id: "j1", state: "done" }))).toMatchObject({ state: "succeeded" });
  });
  it("still refuses a 200 with no body where the spec maps none", async () => {
    await expect(read(answers, () => new Response(null, { status: 200 }))).rejects.toThrow(
      /without a JSON object body/,
    );
  });
  it("reads the status word from a response header", async () => {
    const header = acme({
      adapter: { status: { header: "x-ms-operation-status", map: { InProgress: "running", Succeeded: "succeeded" } } },
    });
    const answer = (word: string) => () =>
      new Response(null, { status: 202, headers: { "x-ms-operation-status": word } });
    expect(await read(header, answer("InProgress"))).toMatchObject({ state: "running", rawStatus: "InProgress" });
    expect(await read(header, answer("Succeeded"))).toMatchObject({ state: "succeeded" });
  });
});

describe("pushback the spec declares", () => {
  const google = acme({
    adapter: {
      errorBody: {
        message: "/error/message",
        requestIdHeader: "x-correlation-id",
        retryDelay: {
          pointer: "/error/details",
          entry: { "@type": "type.googleapis.com/google.rpc.RetryInfo" },
          field: "/retryDelay",
        },
      },
    },
  });
  const exhausted = {
    error: {
      code: 429,
      message: "Quota exceeded.",
      status: "RESOURCE_EXHAUSTED",
      details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "3s" }],
    },
  };
  it("waits the retryDelay of the error body, and keeps the request id of a header", async () => {
    const error = await read(google, json(exhausted, 429, { "x-correlation-id": "corr-42" })).catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfter: 3, requestId: "corr-42" });
    expect(error.message).toMatch(/^Wait 3 s \(the error body's retryDelay\)/);
  });
  it("lets a Retry-After header win over the body's delay", async () => {
    const error = await read(google, json(exhausted, 429, { "retry-after": "5" })).catch((e) => e);
    expect(error).toMatchObject({ retryAfter: 5 });
  });

  const refill = acme({ adapter: { rateLimit: { reset: "refill" } } });
  const window = acme({});
  const hourAway = { "x-ratelimit-remaining": "0", "x-ratelimit-reset": "3601" };
  it("waits one request's refill, not the full refill an hour away, when the spec says reset means refill", async () => {
    const error = await read(refill, json({ message: "slow down" }, 429, hourAway)).catch((e) => e);
    expect(error).toMatchObject({ retryAfter: 1 });
    expect(error.message).toMatch(/^Wait 1 s \(X-RateLimit-Reset, one request back every 1 s\)/);
    const windowed = await read(window, json({ message: "slow down" }, 429, hourAway)).catch((e) => e);
    expect(windowed).toMatchObject({ retryAfter: 3601 });
    expect(windowed.message).toMatch(/^Wait 3601 s \(X-RateLimit-Reset\)/);
  });
});
