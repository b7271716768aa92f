// ECL-specific contract tests against Prism mocking specs/ecl.yaml (--errors, so any request or response that
// leaves the spec fails loudly): the region variable, UUID ids, the datetime formats, the list endpoint.
// The generic contract (errors, auth, validation, servers, raw client) runs from test/spec-contract.test.ts.
import { ValidationError } from "@opwatch/core";
import {
  answering,
  type Exchange,
  examplesOf,
  neverCalled,
  type PrismServer,
  preferring,
  specPath,
  startPrism,
  startScriptedServer,
} from "@opwatch/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, toStatus } from "../src/index.js";

// A keystone token: a UUID without hyphens, as the reference page's sample request sends it.
const TOKEN = "69105c889f824efdafb56af224208ad4";
const OPERATION_ID = "75aab8db-8632-42b4-af2f-06b5820798ef";
const REGIONS = ["jp1", "jp2", "us1", "uk1", "sg1", "au1", "hk1", "de1"] as const;
let prism: PrismServer;

beforeAll(async () => {
  prism = await startPrism(specPath("ecl"));
});
afterAll(async () => {
  await prism?.stop();
});

const statusExamples = examplesOf("ecl", "getOperation", "200");
const expected = {
  processing: { state: "running", rawStatus: "PROCESSING", done: false },
  complete: { state: "succeeded", rawStatus: "COMPLETE", done: true },
  completeSampleForm: { state: "succeeded", rawStatus: "Complete", done: true },
  error: { state: "failed", rawStatus: "ERROR", done: true },
  stuck: { state: "failed", rawStatus: "STUCK", done: true },
} as const;

describe("server URL and the region variable", () => {
  it("builds the us1 host from region: us1", () => {
    expect(createClient({ token: TOKEN, region: "us1", fetch: neverCalled }).baseUrl).toBe(
      "https://virtual-network-appliance-us1-ecl.api.ntt.com",
    );
  });

  for (const region of REGIONS) {
    it(`builds the host of region ${region}`, () => {
      const client = createClient({ token: TOKEN, region, fetch: neverCalled });
      expect(client.baseUrl).toBe(`https://virtual-network-appliance-${region}-ecl.api.ntt.com`);
    });
  }

  it("sends requests to the region's host", async () => {
    const sent: Exchange[] = [];
    const client = createClient({
      token: TOKEN,
      region: "de1",
      fetch: answering(() => Response.json(statusExamples.complete), sent),
    });
    const snapshot = await client.getOperation(OPERATION_ID);
    expect(snapshot.httpStatus).toBe(200);
    expect(sent.map((s) => s.url)).toEqual([
      `https://virtual-network-appliance-de1-ecl.api.ntt.com/v1.0/operations/${OPERATION_ID}`,
    ]);
  });

  it("takes regions that are not listed yet (jp3, jp4, jp5): the variable is open", () => {
    for (const region of ["jp3", "jp4", "jp5"]) {
      expect(createClient({ token: TOKEN, region, fetch: neverCalled }).baseUrl).toBe(
        `https://virtual-network-appliance-${region}-ecl.api.ntt.com`,
      );
    }
  });

  it("refuses a region that could change the host with a ValidationError before any request", () => {
    for (const region of ["evil.com/x", "jp1.attacker", "a@b", "jp1/..", "JP1", "x", ""]) {
      let error: unknown;
      try {
        createClient({ token: TOKEN, region, fetch: neverCalled });
      } catch (e) {
        error = e;
      }
      expect(error, region).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toContain(JSON.stringify(region));
      expect((error as Error).message).toContain("jp1, jp2, jp3");
    }
  });

  it("lets baseUrl override the region", async () => {
    const sent: Exchange[] = [];
    const client = createClient({
      token: TOKEN,
      region: "us1",
      baseUrl: prism.url,
      fetch: preferring("code=200, example=complete", sent),
    });
    expect(client.baseUrl).toBe(prism.url);
    const snapshot = await client.getOperation(OPERATION_ID);
    expect(snapshot.httpStatus).toBe(200);
    expect(sent.map((s) => s.url)).toEqual([`${prism.url}/v1.0/operations/${OPERATION_ID}`]);
    expect(toStatus(snapshot, client.baseUrl).ref.baseUrl).toBe(prism.url);
  });
});

describe("operation ids are validated before any request", () => {
  // The empty id and "." / ".." are the generic contract's; these are ECL's format: uuid.
  for (const id of ["75aab8db863242b4af2f06b5820798ef", "not-a-uuid", "../x"]) {
    it(`rejects ${JSON.stringify(id)}`, async () => {
      const client = createClient({ token: TOKEN, fetch: neverCalled });
      await expect(client.getOperation(id)).rejects.toBeInstanceOf(ValidationError);
      await expect(client.getOperation({ operation_id: id })).rejects.toBeInstanceOf(ValidationError);
    });
  }

  it("says what an id must look like", async () => {
    const client = createClient({ token: TOKEN, fetch: neverCalled });
    await expect(client.getOperation("")).rejects.toThrow(/must not be empty/);
    await expect(client.getOperation("not-a-uuid")).rejects.toThrow(/hyphenated UUID/);
  });

  it("accepts an upper-case hyphenated UUID", async () => {
    const sent: Exchange[] = [];
    const client = createClient({
      token: TOKEN,
      baseUrl: prism.url,
      fetch: preferring("code=200, example=complete", sent),
    });
    const snapshot = await client.getOperation(OPERATION_ID.toUpperCase());
    expect(snapshot.params).toEqual({ operation_id: OPERATION_ID.toUpperCase() });
    expect(sent.map((s) => s.url)).toEqual([`${prism.url}/v1.0/operations/${OPERATION_ID.toUpperCase()}`]);
  });
});

describe("getOperation against Prism", () => {
  it("has a named example for every case tested here", () => {
    expect(Object.keys(statusExamples).sort()).toEqual(Object.keys(expected).sort());
  });

  for (const [example, want] of Object.entries(expected)) {
    it(`parses the ${example} example into state ${want.state}`, async () => {
      const client = createClient({
        token: TOKEN,
        baseUrl: prism.url,
        fetch: preferring(`code=200, example=${example}`),
      });
      const id = (statusExamples[example] as { operation: { id: string } }).operation.id;
      const snapshot = await client.getOperation(id);
      expect(snapshot.httpStatus).toBe(200);
      expect(snapshot.endpoint).toBe("getOperation");
      expect(snapshot.body).toEqual(statusExamples[example]);
      expect(snapshot.body?.operation.status).toBe(want.rawStatus);

      const status = toStatus(snapshot, client.baseUrl);
      expect(status.provider).toBe("ecl");
      expect(status.id).toBe(id);
      expect(status.state).toBe(want.state);
      expect(status.done).toBe(want.done);
      expect(status.rawStatus).toBe(want.rawStatus);
      expect(status.progress).toBeUndefined();
      expect(status.resultUrl).toBeUndefined();
      expect(status.raw).toEqual(statusExamples[example]);
      expect(status.ref).toEqual({
        provider: "ecl",
        endpoint: "getOperation",
        params: { operation_id: id },
        baseUrl: prism.url,
      });
    });
  }

  async function statusOf(example: keyof typeof expected) {
    const client = createClient({
      token: TOKEN,
      baseUrl: prism.url,
      fetch: preferring(`code=200, example=${example}`),
    });
    const id = (statusExamples[example] as { operation: { id: string } }).operation.id;
    return toStatus(await client.getOperation(id), client.baseUrl);
  }

  it("reads dash datetimes as UTC, and an empty commit_datetime as not yet committed", async () => {
    const processing = await statusOf("processing");
    expect(processing.createdAt).toBeInstanceOf(Date);
    expect(processing.createdAt?.toISOString()).toBe("2017-11-27T21:35:38.000Z");
    expect(processing.updatedAt).toBeUndefined();
    expect(processing.error).toBeUndefined();

    const complete = await statusOf("complete");
    expect(complete.createdAt?.toISOString()).toBe("2017-11-27T21:35:38.000Z");
    expect(complete.updatedAt?.toISOString()).toBe("2017-11-27T21:46:21.000Z");
    expect(complete.error).toBeUndefined();
  });

  it("reads the page's sample (status Complete, slash datetimes) as succeeded, in UTC", async () => {
    const sample = await statusOf("completeSampleForm");
    expect(sample.state).toBe("succeeded");
    expect(sample.createdAt).toBeInstanceOf(Date);
    expect(sample.createdAt?.toISOString()).toBe("2017-11-27T21:35:38.000Z");
    expect(sample.updatedAt?.toISOString()).toBe("2017-11-27T21:46:21.000Z");
    expect(sample.createdAt?.getTime()).toBe(Date.UTC(2017, 10, 27, 21, 35, 38));
    expect(sample.error).toBeUndefined();
  });

  it("takes ERROR's message from the error field", async () => {
    const failed = await statusOf("error");
    expect(failed.error).toEqual({ message: "Failed to update the virtual network appliance." });
    expect(failed.createdAt?.toISOString()).toBe("2017-11-28T09:12:04.000Z");
    expect(failed.updatedAt?.toISOString()).toBe("2017-11-28T09:14:51.000Z");
  });

  it("marks STUCK as failed with code STUCK", async () => {
    const stuck = await statusOf("stuck");
    expect(stuck.error?.code).toBe("STUCK");
    expect(stuck.error?.message).toContain("STUCK");
    expect(stuck.createdAt?.toISOString()).toBe("2017-11-29T03:00:10.000Z");
    expect(stuck.updatedAt?.toISOString()).toBe("2017-11-29T04:00:10.000Z");
  });

  it("keeps an unknown status word (a spec-valid PAUSED body) as state unknown", async () => {
    const complete = statusExamples.complete as { operation: Record<string, string> };
    const paused = { operation: { ...complete.operation, status: "PAUSED", commit_datetime: "" } };
    // The scripted server checks the body against the spec's 200 schema before serving it.
    const server = await startScriptedServer("ecl", {
      operationId: "getOperation",
      script: [{ status: 200, body: paused }],
      requireHeader: { "X-Auth-Token": TOKEN },
    });
    try {
      const client = createClient({ token: TOKEN, baseUrl: server.url });
      const snapshot = await client.getOperation(OPERATION_ID);
      expect(snapshot.body).toEqual(paused);
      const status = toStatus(snapshot, client.baseUrl);
      expect(status.state).toBe("unknown");
      expect(status.done).toBe(false);
      expect(status.rawStatus).toBe("PAUSED");
      expect(status.error).toBeUndefined();
      expect(status.createdAt?.toISOString()).toBe("2017-11-27T21:35:38.000Z");
      expect(status.updatedAt).toBeUndefined();
      expect(server.requests.map((r) => r.url)).toEqual([`/v1.0/operations/${OPERATION_ID}`]);
    } finally {
      await server.stop();
    }
  });

  it("builds the same unknown state from a Response made by hand", async () => {
    const complete = statusExamples.complete as { operation: Record<string, string> };
    const paused = { operation: { ...complete.operation, status: "PAUSED" } };
    const client = createClient({
      token: TOKEN,
      region: "jp2",
      fetch: async () =>
        new Response(JSON.stringify(paused), { status: 200, headers: { "Content-Type": "application/json" } }),
    });
    const status = toStatus(await client.getOperation(OPERATION_ID), client.baseUrl);
    expect(status).toMatchObject({ state: "unknown", done: false, rawStatus: "PAUSED", error: undefined });
    expect(status.ref.baseUrl).toBe("https://virtual-network-appliance-jp2-ecl.api.ntt.com");
  });
});

describe("the list endpoint through the raw typed client", () => {
  it("sends the filters in the query string and returns the list example", async () => {
    const sent: Exchange[] = [];
    const client = createClient({
      token: TOKEN,
      baseUrl: prism.url,
      fetch: preferring("code=200, example=latestPerAppliance", sent),
    });
    const { data, error, response } = await client.GET("/v1.0/operations", {
      params: {
        query: {
          resource_id: "a80c1728-cc0c-11e6-8080-525400060300",
          resource_type: "ECL::VirtualNetworkAppliance::VSRX",
          request_type: "Create",
          status: "COMPLETE",
          tenant_id: "13572f6f42a74d2b82f7099f78d0393a",
          no_deleted: false,
          latest: true,
        },
      },
    });
    expect(error).toBeUndefined();
    expect(response.status).toBe(200);
    expect(data).toEqual(examplesOf("ecl", "listOperations", "200").latestPerAppliance);
    expect(data?.operations.map((o) => o.status)).toEqual(["COMPLETE", "PROCESSING"]);

    expect(sent).toHaveLength(1);
    const url = new URL(sent[0]?.url ?? "");
    expect(`${url.origin}${url.pathname}`).toBe(`${prism.url}/v1.0/operations`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      resource_id: "a80c1728-cc0c-11e6-8080-525400060300",
      resource_type: "ECL::VirtualNetworkAppliance::VSRX",
      request_type: "Create",
      status: "COMPLETE",
      tenant_id: "13572f6f42a74d2b82f7099f78d0393a",
      no_deleted: "false",
      latest: "true",
    });
    expect(sent[0]?.headers.get("X-Auth-Token")).toBe(TOKEN);
    expect(sent[0]?.headers.has("Authorization")).toBe(false);
  });

  it("answers 401 without X-Auth-Token", async () => {
    const client = createClient({
      token: TOKEN,
      baseUrl: prism.url,
      fetch: async (input, init) => {
        const request = new Request(input, init);
        request.headers.delete("X-Auth-Token");
        return fetch(request);
      },
    });
    const { data, error, response } = await client.GET("/v1.0/operations", { params: { query: { latest: true } } });
    expect(response.status).toBe(401);
    expect(data).toBeUndefined();
    expect(error).toEqual({ cause: "Unauthorized" });
  });
});
