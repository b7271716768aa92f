// Bentley-specific contract tests against Prism mocking specs/bentley.yaml (--errors, so any request or
// response that leaves the spec fails loudly): the Accept media type, the dev host, the Operation fields, 304.
// The generic contract (errors, auth, validation, servers, raw client) runs from test/spec-contract.test.ts.
import {
  answering,
  type Exchange,
  examplesOf,
  type PrismServer,
  preferring,
  specPath,
  startPrism,
} from "@opwatch/testkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createClient, toStatus } from "../src/index.js";

const TOKEN = "itwin_access_token_0123456789abcdef";
const MEDIA_TYPE = "application/vnd.bentley.itwin-platform.v1+json";
// The spec's parameter examples.
const IDS = {
  scheduleId: "2f9a3c1e-6b2d-4d8e-9f10-7a5b4c3d2e1f",
  operationId: "bdc8fb5d-ce72-42f9-8818-bb2942927428",
} as const;
const OPERATION_PATH = `/schedules/${IDS.scheduleId}/operations/${IDS.operationId}`;
// The spec's header example (components/headers/ETag).
const ETAG_EXAMPLE = '"a1b2c3d4"';

let prism: PrismServer;

beforeAll(async () => {
  prism = await startPrism(specPath("bentley"));
});
afterAll(async () => {
  await prism?.stop();
});

const statusExamples = examplesOf("bentley", "getScheduleOperation", "200") as Record<
  string,
  { operation: Record<string, unknown> }
>;
const expectedStates = {
  queued: "queued",
  started: "running",
  succeeded: "succeeded",
  failed: "failed",
  unknown: "unknown",
} as const;

describe("servers: the reference page's dev host", () => {
  it("accepts the reference page's host https://dev-api.bentley.com", async () => {
    const seen: Exchange[] = [];
    const client = createClient({
      token: TOKEN,
      baseUrl: "https://dev-api.bentley.com",
      fetch: answering(() => jsonResponse(200, statusExamples.succeeded), seen),
    });
    expect(client.baseUrl).toBe("https://dev-api.bentley.com");
    const snapshot = await client.getOperation(IDS);
    expect(snapshot.httpStatus).toBe(200);
    expect(seen.map((e) => e.url)).toEqual([`https://dev-api.bentley.com${OPERATION_PATH}`]);
    expect(toStatus(snapshot, client.baseUrl).ref.baseUrl).toBe("https://dev-api.bentley.com");
  });
});

describe("getOperation against Prism", () => {
  it("sends Accept: application/vnd.bentley.itwin-platform.v1+json by default and Prism accepts it", async () => {
    const seen: Exchange[] = [];
    const client = createClient({ token: TOKEN, baseUrl: prism.url, fetch: preferring("code=200", seen) });
    const snapshot = await client.getOperation(IDS);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.get("Accept")).toBe(MEDIA_TYPE);
    expect(snapshot.httpStatus).toBe(200);
    expect(seen[0]?.response.headers.get("content-type")).toContain(MEDIA_TYPE);
    expect(seen[0]?.response.headers.get("sl-violations")).toBeNull();
    // Control: Prism does check Accept, and refuses a media type the spec does not offer.
    const refused = await fetch(`${prism.url}${OPERATION_PATH}`, {
      headers: { Authorization: `Bearer ${TOKEN}`, Accept: "application/json" },
    });
    expect(refused.status).toBe(406);
  });

  it("has a named example for every documented status", () => {
    expect(Object.keys(statusExamples).sort()).toEqual(Object.keys(expectedStates).sort());
  });

  for (const [example, state] of Object.entries(expectedStates)) {
    it(`parses the ${example} example into state ${state}`, async () => {
      const seen: Exchange[] = [];
      const client = createClient({
        token: TOKEN,
        baseUrl: prism.url,
        fetch: preferring(`code=200, example=${example}`, seen),
      });
      const snapshot = await client.getOperation(IDS);
      const spec = statusExamples[example]?.operation;
      if (!spec) throw new Error(`no ${example} example in the spec`);

      expect(snapshot.httpStatus).toBe(200);
      expect(snapshot.notModified).toBe(false);
      expect(snapshot.endpoint).toBe("getScheduleOperation");
      expect(snapshot.params).toEqual(IDS);
      expect(snapshot.body).toEqual(statusExamples[example]);
      expect(snapshot.etag).toBe(seen[0]?.response.headers.get("etag"));
      expect(snapshot.etag).toBe(ETAG_EXAMPLE);
      expect(seen[0]?.response.headers.get("sl-violations")).toBeNull();
      // Nullable fields arrive as null, not dropped and not turned into strings.
      for (const key of ["createdAt", "subStatus", "failureDescription"] as const) {
        expect(snapshot.body?.operation[key]).toBe(spec[key]);
      }

      const status = toStatus(snapshot, client.baseUrl);
      expect(status.provider).toBe("bentley");
      expect(status.id).toBe(IDS.operationId);
      expect(status.state).toBe(state);
      expect(status.done).toBe(state === "succeeded" || state === "failed");
      expect(status.rawStatus).toBe(spec.status);
      expect(status.progress).toBe((spec.percentComplete as number) / 100);
      expect(status.createdAt).toEqual(spec.createdAt === null ? undefined : new Date(spec.createdAt as string));
      expect(status.updatedAt).toEqual(new Date(spec.updatedAt as string));
      expect(status.resultUrl).toBeUndefined();
      expect(status.raw).toEqual(statusExamples[example]);
      expect(status.ref).toEqual({
        provider: "bentley",
        endpoint: "getScheduleOperation",
        params: IDS,
        baseUrl: prism.url,
      });
      if (state === "failed") {
        expect(status.error).toEqual({ code: spec.subStatus, message: spec.failureDescription });
      } else {
        expect(status.error).toBeUndefined();
      }
    });
  }

  it("reads the nullable fields of the queued example as null and its createdAt as undefined", async () => {
    const client = createClient({
      token: TOKEN,
      baseUrl: prism.url,
      fetch: preferring("code=200, example=queued"),
    });
    const snapshot = await client.getOperation(IDS);
    expect(snapshot.body?.operation).toMatchObject({ createdAt: null, subStatus: null, failureDescription: null });
    const status = toStatus(snapshot, client.baseUrl);
    expect(status.createdAt).toBeUndefined();
    expect(status.progress).toBe(0);
  });

  it("maps the failed example to an error with subStatus as code and failureDescription as message", async () => {
    const client = createClient({ token: TOKEN, baseUrl: prism.url, fetch: preferring("code=200, example=failed") });
    const status = toStatus(await client.getOperation(IDS), client.baseUrl);
    expect(status.state).toBe("failed");
    expect(status.error).toEqual({ code: "Failed", message: "An error occurred whilst processing your request." });
  });

  it("keeps a status word Bentley adds later (open enum) as unknown with its rawStatus", async () => {
    const body = {
      operation: {
        id: IDS.operationId,
        createdAt: "2019-11-15T12:00:00Z",
        updatedAt: "2019-11-15T12:00:50Z",
        status: "Paused",
        subStatus: null,
        percentComplete: 10,
        failureDescription: null,
      },
    };
    const client = createClient({
      token: TOKEN,
      fetch: answering(() => jsonResponse(200, body, { ETag: '"p1"' })),
    });
    const snapshot = await client.getOperation(IDS);
    expect(snapshot.body).toEqual(body);
    expect(snapshot.etag).toBe('"p1"');
    const status = toStatus(snapshot, client.baseUrl);
    expect(status.state).toBe("unknown");
    expect(status.rawStatus).toBe("Paused");
    expect(status.done).toBe(false);
    expect(status.progress).toBe(0.1);
    expect(status.error).toBeUndefined();
  });

  it("keeps rawStatus for the documented Unknown status", async () => {
    const client = createClient({ token: TOKEN, baseUrl: prism.url, fetch: preferring("code=200, example=unknown") });
    const status = toStatus(await client.getOperation(IDS), client.baseUrl);
    expect(status.state).toBe("unknown");
    expect(status.rawStatus).toBe("Unknown");
    expect(status.done).toBe(false);
  });
});

describe("conditional reads", () => {
  it("sends If-None-Match and returns a 304 without a body, with the ETag", async () => {
    const seen: Exchange[] = [];
    const client = createClient({ token: TOKEN, baseUrl: prism.url, fetch: preferring("code=304", seen) });
    const snapshot = await client.getOperation(IDS, { ifNoneMatch: ETAG_EXAMPLE });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.get("If-None-Match")).toBe(ETAG_EXAMPLE);
    expect(snapshot).toMatchObject({ httpStatus: 304, notModified: true, body: undefined });
    expect(snapshot.etag).toBe(seen[0]?.response.headers.get("etag"));
    expect(snapshot.etag).toBe(ETAG_EXAMPLE);
  });

  it("sends no If-None-Match without ifNoneMatch", async () => {
    const seen: Exchange[] = [];
    const client = createClient({ token: TOKEN, baseUrl: prism.url, fetch: preferring("code=200", seen) });
    const snapshot = await client.getOperation(IDS);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.has("If-None-Match")).toBe(false);
    expect(snapshot.notModified).toBe(false);
  });
});

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": MEDIA_TYPE, ETag: ETAG_EXAMPLE, ...headers },
  });
}
