// Keycard-specific contract tests against Prism mocking specs/keycard.yaml (--errors, so any request or
// response that leaves the spec fails loudly): the Task fields, the 303 See Other, a base URL with a path.
// The generic contract (errors, auth, validation, servers, raw client) runs from test/spec-contract.test.ts.
import {
  answering,
  type Exchange,
  examplesOf,
  loadSpecDocument,
  type PrismServer,
  preferring,
  specPath,
  startPrism,
} from "@opwatch/testkit";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type components, createClient, toStatus } from "../src/index.js";

type Task = components["schemas"]["Task"];
type ErrorBody = components["schemas"]["Error"];

const TOKEN = "eyJhbGciOiJSUzI1NiJ9.keycard-service-account.0123456789abcdef";
const PATH = "/zones/{zone_id}/catalog_tasks/{task_id}";

// Values read from the spec itself, so that a change there is a change here.
const spec = loadSpecDocument("keycard");
const IDS = {
  zone_id: spec.components.parameters.ZoneId.example as string,
  task_id: spec.components.parameters.TaskId.example as string,
};
const LOCATION_EXAMPLE: string = spec.components.headers.Location.example;

const statusExamples = examplesOf("keycard", "getCatalogTask", "200") as Record<string, Task>;
const errorExamples = {
  401: examplesOf("keycard", "getCatalogTask", "401") as Record<string, ErrorBody>,
  404: examplesOf("keycard", "getCatalogTask", "404") as Record<string, ErrorBody>,
  429: examplesOf("keycard", "getCatalogTask", "429") as Record<string, ErrorBody>,
  500: examplesOf("keycard", "getCatalogTask", "500") as Record<string, ErrorBody>,
};
const expectedStates = {
  pending: "queued",
  running: "running",
  completed: "succeeded",
  failed: "failed",
} as const;
// The 12 fields of Task, as the reference page lists them.
const TASK_FIELDS = [
  "id",
  "created_at",
  "operation",
  "status",
  "updated_at",
  "error_message",
  "install_id",
  "links",
  "package_id",
  "package_slug",
  "package_version",
  "warnings",
] as const;

let prism: PrismServer;

beforeAll(async () => {
  prism = await startPrism(specPath("keycard"));
});
afterAll(async () => {
  await prism?.stop();
});

function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
}

/** The request lines Prism logged (`get /zones/... Request received`) since `from` characters of output. */
function prismRequests(from: number): string[] {
  return [
    ...prism
      .output()
      .slice(from)
      .matchAll(/\[HTTP SERVER\] (\w+ \S+) .*Request received/g),
  ].map((m) => m[1] as string);
}

describe("200: every Task example", () => {
  it("has a named example for every documented status", () => {
    expect(Object.keys(statusExamples).sort()).toEqual(Object.keys(expectedStates).sort());
    expect(spec.components.schemas.KnownTaskStatus.enum.slice().sort()).toEqual(Object.keys(expectedStates).sort());
  });

  it("the examples only use the 12 documented Task fields, and together use all of them", () => {
    const used = new Set(Object.values(statusExamples).flatMap((example) => Object.keys(example)));
    expect([...used].sort()).toEqual([...TASK_FIELDS].sort());
    expect(Object.keys(spec.components.schemas.Task.properties).sort()).toEqual([...TASK_FIELDS].sort());
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
      const expected = statusExamples[example];
      if (!expected) throw new Error(`no ${example} example in the spec`);

      expect(seen).toHaveLength(1);
      expect(seen[0]?.headers.get("Accept")).toBe("application/json");
      expect(snapshot.httpStatus).toBe(200);
      expect(snapshot.notModified).toBe(false);
      expect(snapshot.endpoint).toBe("getCatalogTask");
      expect(snapshot.params).toEqual(IDS);
      expect(snapshot.location).toBeUndefined();
      expect(snapshot.body).toEqual(expected);

      const body = snapshot.body;
      if (!body) throw new Error("no body");
      for (const field of TASK_FIELDS) {
        if (field in expected) {
          expect(body, field).toHaveProperty(field);
          expect(body[field], field).toEqual(expected[field]);
        } else {
          expect(body, field).not.toHaveProperty(field);
        }
      }
      // Required fields, typed:
      const id: string = body.id;
      const createdAt: string = body.created_at;
      const updatedAt: string = body.updated_at;
      const operation: string = body.operation;
      const rawStatus: string = body.status;
      expect([id, createdAt, updatedAt, operation, rawStatus]).toEqual([
        expected.id,
        expected.created_at,
        expected.updated_at,
        expected.operation,
        example,
      ]);
      expect(["create", "delete"]).toContain(operation);
      // Optional fields, typed:
      const version: number | undefined = body.package_version;
      expect(version).toBe(3);
      expect(Number.isInteger(version)).toBe(true);
      const slug: string | undefined = body.package_slug;
      expect(slug).toBe("github");
      const packageId: string | undefined = body.package_id;
      expect(packageId).toBe("pkg_github");

      const status = toStatus(snapshot, client.baseUrl);
      expect(status.provider).toBe("keycard");
      expect(status.id).toBe(expected.id);
      expect(status.state).toBe(state);
      expect(status.done).toBe(state === "succeeded" || state === "failed");
      expect(status.rawStatus).toBe(example);
      expect(status.progress).toBeUndefined();
      expect(status.createdAt).toEqual(new Date(expected.created_at));
      expect(status.updatedAt).toEqual(new Date(expected.updated_at));
      expect(status.resultUrl).toBeUndefined();
      expect(status.raw).toEqual(expected);
      expect(status.ref).toEqual({
        provider: "keycard",
        endpoint: "getCatalogTask",
        params: IDS,
        baseUrl: prism.url,
      });
      if (state === "failed") {
        expect(expected.error_message).toBeTruthy();
        expect(status.error).toEqual({ message: expected.error_message });
      } else {
        expect(status.error).toBeUndefined();
      }
    });
  }

  it("types the completed example's links (properties, titles, type) and warnings (code, details)", async () => {
    const client = createClient({
      token: TOKEN,
      baseUrl: prism.url,
      fetch: preferring("code=200, example=completed"),
    });
    const body = (await client.getOperation(IDS)).body;
    expect(body?.operation).toBe("delete");
    expect(body?.install_id).toBe("inst_7tq4zb");

    const [preserved, install] = body?.links ?? [];
    expect(body?.links).toHaveLength(2);
    expect(preserved?.href).toBe("#github-app");
    expect(preserved?.rel).toBe("preserved");
    expect(preserved?.titles?.en).toBe("GitHub App");
    expect(preserved?.properties).toEqual({ adopted: true, resource_id: "res_2kd81m" });
    expect(preserved?.properties?.adopted).toBe(true);
    expect(preserved).not.toHaveProperty("type");
    const mediaType: string | undefined = install?.type;
    expect(mediaType).toBe("application/json");
    expect(install?.rel).toBe("install");
    expect(install?.href).toBe("https://api.keycard.ai/zones/zone_5hq2c8/installs/inst_7tq4zb");
    expect(install?.titles).toEqual({ en: "GitHub install" });
    expect(install?.properties).toEqual({});

    expect(body?.warnings).toHaveLength(1);
    const warning = body?.warnings?.[0];
    expect(warning).toEqual({
      code: "conflict",
      message: "Adopted entity github-app was preserved rather than deleted.",
      status: 409,
      request_id: "9a1d5c33-0c1e-4c8f-b2a4-1f6e2d3c4b5a",
      path: "https://api.keycard.ai/zones/zone_5hq2c8/catalog_tasks/task_01hx9d4r2w",
      timestamp: "2025-01-02T10:00:31Z",
      details: [
        {
          code: "conflict",
          field: "$.entities.github-app",
          message: "entity existed before the package was installed",
        },
      ],
    });
    expect(spec.components.schemas.KnownErrorCode.enum).toContain(warning?.code);
    const detailField: string | undefined = warning?.details[0]?.field;
    expect(detailField).toBe("$.entities.github-app");
    const warningStatus: number | undefined = warning?.status;
    expect(warningStatus).toBe(409);
  });

  it("types the failed example's error_message and its validation warning", async () => {
    const client = createClient({ token: TOKEN, baseUrl: prism.url, fetch: preferring("code=200, example=failed") });
    const body = (await client.getOperation(IDS)).body;
    const message: string | undefined = body?.error_message;
    expect(message).toBe("Package configuration is invalid: client_id is required.");
    expect(body?.links).toBeUndefined();
    expect(body?.install_id).toBeUndefined();
    expect(body?.warnings?.map((w) => [w.code, w.status, w.details.map((d) => [d.code, d.field])])).toEqual([
      ["validation_error", 422, [["validation_error", "$.config.client_id"]]],
    ]);
  });

  it("keeps a status word Keycard adds later (open enum) as unknown with its rawStatus", async () => {
    const running = statusExamples.running;
    const body = { ...running, status: "cancelling" };
    const client = createClient({ token: TOKEN, fetch: answering(() => jsonResponse(200, body)) });
    const snapshot = await client.getOperation(IDS);
    expect(snapshot.body).toEqual(body);
    const status = toStatus(snapshot, client.baseUrl);
    expect(status).toMatchObject({ state: "unknown", rawStatus: "cancelling", done: false, error: undefined });
  });
});

describe("303 See Other: completed, never followed", () => {
  it("returns the redirect itself: one request, no body, the Location resolved against the base URL", async () => {
    const seen: Exchange[] = [];
    const calls = vi.fn(preferring("code=303", seen));
    const client = createClient({ token: TOKEN, baseUrl: prism.url, fetch: calls });
    const logFrom = prism.output().length;

    const snapshot = await client.getOperation(IDS);

    expect(calls).toHaveBeenCalledTimes(1);
    expect(seen).toHaveLength(1);
    expect(seen[0]?.url).toBe(`${prism.url}/zones/${IDS.zone_id}/catalog_tasks/${IDS.task_id}`);
    // The request itself tells fetch not to follow, so no second request can hide inside fetch either.
    expect(seen[0]?.redirect).toBe("manual");
    expect(seen[0]?.response.status).toBe(303);
    expect(seen[0]?.response.headers.get("location")).toBe(LOCATION_EXAMPLE);

    expect(snapshot.httpStatus).toBe(303);
    expect(snapshot.body).toBeUndefined();
    expect(snapshot.notModified).toBe(false);
    expect(snapshot.params).toEqual(IDS);
    const location = new URL(LOCATION_EXAMPLE, client.baseUrl).href;
    expect(location).toBe(`${prism.url}/zones/zone_5hq2c8/installs/inst_7tq4zb`);
    expect(snapshot.location).toBe(location);

    // Prism saw exactly one request, to the task, and none to the install.
    await vi.waitFor(() => expect(prismRequests(logFrom)).toHaveLength(1));
    expect(prismRequests(logFrom)).toEqual([`get /zones/${IDS.zone_id}/catalog_tasks/${IDS.task_id}`]);

    const status = toStatus(snapshot, client.baseUrl);
    expect(status).toEqual({
      provider: "keycard",
      id: IDS.task_id,
      ref: { provider: "keycard", endpoint: "getCatalogTask", params: IDS, baseUrl: prism.url },
      state: "succeeded",
      done: true,
      rawStatus: undefined,
      progress: 1,
      createdAt: undefined,
      updatedAt: undefined,
      error: undefined,
      resultUrl: location,
      raw: undefined,
    });
  });

  it("keeps an absolute Location as it is", async () => {
    const install = "https://catalog.keycard.example/zones/z1/installs/inst_1";
    const seen: Exchange[] = [];
    const client = createClient({
      token: TOKEN,
      fetch: answering(() => new Response(null, { status: 303, headers: { Location: install } }), seen),
    });
    const snapshot = await client.getOperation({ zone_id: "z1", task_id: "t1" });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.redirect).toBe("manual");
    expect(snapshot).toMatchObject({ httpStatus: 303, body: undefined, location: install });
    expect(toStatus(snapshot, client.baseUrl)).toMatchObject({ state: "succeeded", id: "t1", resultUrl: install });
  });

  it("the raw typed client does not follow the redirect either", async () => {
    const seen: Exchange[] = [];
    const client = createClient({ token: TOKEN, baseUrl: prism.url, fetch: preferring("code=303", seen) });
    const { data, response } = await client.GET(PATH, { params: { path: IDS } });
    expect(seen).toHaveLength(1);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(LOCATION_EXAMPLE);
    expect(data).toBeUndefined();
  });
});

describe("error examples", () => {
  it("carry a UUID request_id, except the spec's minimal 500 (only code and message)", () => {
    for (const [status, examples] of Object.entries(errorExamples)) {
      for (const [name, body] of Object.entries(examples)) {
        if (name === "internal_error_minimal") continue;
        expect(body.request_id, `${status} ${name}`).toMatch(/^[0-9a-f-]{36}$/);
      }
    }
    expect(errorExamples[500].internal_error_minimal).toEqual({
      code: "internal_error",
      message: "Internal server error.",
    });
  });
});

describe("base URL", () => {
  it("is overridden by baseUrl (the catalog host is not published)", async () => {
    const seen: Exchange[] = [];
    const client = createClient({
      token: TOKEN,
      baseUrl: "https://catalog.keycard.example/v1/",
      fetch: answering(() => jsonResponse(200, statusExamples.pending), seen),
    });
    expect(client.baseUrl).toBe("https://catalog.keycard.example/v1");
    const snapshot = await client.getOperation(IDS);
    expect(seen.map((e) => e.url)).toEqual([
      "https://catalog.keycard.example/v1/zones/zone_5hq2c8/catalog_tasks/task_01hx7k2m9q",
    ]);
    expect(toStatus(snapshot, client.baseUrl).ref.baseUrl).toBe("https://catalog.keycard.example/v1");
  });
});
