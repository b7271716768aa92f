// SourceCraft-specific contract tests against Prism mocking specs/sourcecraft.yaml (--errors, so any request
// or response that leaves the spec fails loudly): the statuses and the sibling endpoints. The generic
// contract (errors, auth, validation, servers, raw client) runs from test/spec-contract.test.ts.
import { examplesOf, type PrismServer, preferring, specPath, startPrism } from "@opwatch/testkit";
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
});
