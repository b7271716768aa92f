// Contract tests: the generated client against Prism mocking specs/sourcecraft.yaml (--errors, so any
// request or response that leaves the spec fails loudly).
import { AuthError, NotFoundError, OpwatchError, ValidationError } from "@opwatch/core";
import {
  type Exchange,
  examplesOf,
  neverCalled,
  type PrismServer,
  preferring,
  specPath,
  startPrism,
} from "@opwatch/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, toStatus } from "../src/index.js";

const TOKEN = "scrft_pat_0123456789abcdef";
let prism: PrismServer;

beforeAll(async () => {
  prism = await startPrism(specPath("sourcecraft"));
});
afterAll(async () => {
  await prism?.stop();
});

const statusExamples = examplesOf("sourcecraft", "getSecretOperation", "200");
const expectedStates = {
  scheduled: "queued",
  in_progress: "running",
  success: "succeeded",
  failed: "failed",
  cancel: "canceled",
} as const;

describe("getOperation against Prism", () => {
  it("has a named example for every documented status", () => {
    expect(Object.keys(statusExamples).sort()).toEqual(Object.keys(expectedStates).sort());
  });

  for (const [example, state] of Object.entries(expectedStates)) {
    it(`parses the ${example} example into state ${state}`, async () => {
      const client = createClient({
        token: TOKEN,
        baseUrl: prism.url,
        fetch: preferring(`code=200, example=${example}`),
      });
      const snapshot = await client.getOperation("7f1c2b9e-secret-op");
      expect(snapshot.httpStatus).toBe(200);
      expect(snapshot.body).toEqual(statusExamples[example]);
      expect(snapshot.body?.status).toBe(example);

      const status = toStatus(snapshot, client.baseUrl);
      expect(status.state).toBe(state);
      expect(status.done).toBe(state !== "queued" && state !== "running");
      expect(status.id).toBe("7f1c2b9e-secret-op");
      expect(status.rawStatus).toBe(example);
      expect(status.createdAt?.toISOString()).toBe("2025-01-01T00:00:00.000Z");
      expect(status.ref).toEqual({
        provider: "sourcecraft",
        endpoint: "getSecretOperation",
        params: { operation_id: "7f1c2b9e-secret-op" },
        baseUrl: prism.url,
      });
      if (state === "failed") {
        expect(status.error).toEqual({ code: "secret_value_too_large", message: "The secret value exceeds 64 KiB." });
      } else {
        expect(status.error).toBeUndefined();
      }
    });
  }

  it("reads each sibling endpoint with its own response type", async () => {
    const client = createClient({ token: TOKEN, baseUrl: prism.url, fetch: preferring("code=200") });
    const merge = await client.getOperation({ operation_id: "0b6e-merge-op" }, { endpoint: "getMergeOperation" });
    expect(merge.body?.response?.merge_parameters?.squash).toBe(true);
    const invites = await client.getOperation("51d2-invites-op", { endpoint: "getCreateInvitesOperation" });
    expect(invites.body?.response?.errors?.[0]).toEqual({
      invitee: { email: "not-an-address" },
      error_code: "invalid_email",
      message: "Invalid e-mail address.",
    });
    expect(invites.body?.response?.invites?.[0]?.invitee?.slug).toBe("dev-example");
    expect(invites.body?.response?.invites?.[0]?.subject?.type).toBe("organization");
    for (const endpoint of ["getCreateMultilinkOperation", "getDeleteMultilinkOperation"] as const) {
      const snapshot = await client.getOperation("93aa", { endpoint });
      expect(snapshot.httpStatus).toBe(200);
      expect(toStatus(snapshot, client.baseUrl).ref.endpoint).toBe(endpoint);
    }
  });

  it("sends an id with reserved characters as one percent-encoded segment", async () => {
    const seen: Exchange[] = [];
    const client = createClient({
      token: TOKEN,
      baseUrl: prism.url,
      fetch: preferring("code=200, example=success", seen),
    });
    for (const id of ["a/b?c#d", "../x", "id with spaces"]) {
      const snapshot = await client.getOperation(id);
      expect(snapshot.httpStatus).toBe(200);
      expect(snapshot.params.operation_id).toBe(id);
    }
    expect(seen.map((exchange) => exchange.url)).toEqual([
      `${prism.url}/operations/secrets/id:a%2Fb%3Fc%23d`,
      `${prism.url}/operations/secrets/id:..%2Fx`,
      `${prism.url}/operations/secrets/id:id%20with%20spaces`,
    ]);
  });

  it("turns the default error body into a typed error with error_code, message and request_id", async () => {
    const client = createClient({ token: TOKEN, baseUrl: prism.url, fetch: preferring("code=404, example=notFound") });
    const error = await client.getOperation("missing-op").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toBeInstanceOf(OpwatchError);
    expect(error).toMatchObject({
      provider: "sourcecraft",
      httpStatus: 404,
      code: "not_found",
      requestId: "3f0e6a52-7b7d-4e55-9a0c-2a4b1c7d9e10",
      retryable: false,
    });
    expect((error as Error).message).toContain("Operation not found.");
  });

  it("is refused without a token: Prism answers 401 and the client throws AuthError", async () => {
    const client = createClient({
      token: TOKEN,
      baseUrl: prism.url,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        request.headers.delete("Authorization");
        return fetch(request);
      },
    });
    const error = await client.getOperation("7f1c2b9e-secret-op").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ httpStatus: 401 });
  });

  it("sends the token as a bearer token and keeps it out of errors", async () => {
    const sent: (string | null)[] = [];
    const client = createClient({
      token: TOKEN,
      baseUrl: prism.url,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        sent.push(request.headers.get("Authorization"));
        request.headers.set("Prefer", "code=404");
        return fetch(request);
      },
    });
    const error = await client.getOperation("x").catch((e: unknown) => e);
    expect(sent).toEqual([`Bearer ${TOKEN}`]);
    expect(JSON.stringify(error)).not.toContain(TOKEN);
    expect(String(error)).not.toContain(TOKEN);
  });

  it("drives the raw typed openapi-fetch client too", async () => {
    const client = createClient({
      token: TOKEN,
      baseUrl: prism.url,
      fetch: preferring("code=200, example=in_progress"),
    });
    const { data, error } = await client.GET("/operations/secrets/id:{operation_id}", {
      params: { path: { operation_id: "7f1c2b9e-secret-op" } },
    });
    expect(error).toBeUndefined();
    expect(data?.status).toBe("in_progress");
  });
});

describe("validation before any request", () => {
  it("rejects an empty id", async () => {
    const client = createClient({ token: TOKEN, fetch: neverCalled });
    await expect(client.getOperation("")).rejects.toBeInstanceOf(ValidationError);
    await expect(client.getOperation({ operation_id: "" })).rejects.toThrow(/must not be empty/);
  });

  it("rejects ids that a URL parser would resolve away", async () => {
    const client = createClient({ token: TOKEN, fetch: neverCalled });
    await expect(client.getOperation("..")).rejects.toBeInstanceOf(ValidationError);
  });

  it("rejects a missing token, a bad base URL and an unknown endpoint", async () => {
    expect(() => createClient({ token: "" })).toThrow(ValidationError);
    expect(() => createClient({ token: TOKEN, baseUrl: "ftp://x" })).toThrow(/absolute http\(s\) URL/);
    const client = createClient({ token: TOKEN, fetch: neverCalled });
    // @ts-expect-error: not an operation of this provider
    await expect(client.getOperation("x", { endpoint: "getNothing" })).rejects.toThrow(/unknown endpoint/);
  });

  it("defaults to the spec's server", () => {
    expect(createClient({ token: TOKEN }).baseUrl).toBe("https://api.sourcecraft.tech");
  });
});
