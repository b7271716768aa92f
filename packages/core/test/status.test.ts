import { describe, expect, it } from "vitest";
import { describedProvider, toOperationStatus } from "../src/described/index.js";
import { assertRef, type ProviderDescription, refFromUrl, ValidationError } from "../src/index.js";

const acme: ProviderDescription = {
  name: "acme",
  displayName: "Acme",
  servers: [
    {
      url: "https://ops-{region}.acme.test/api",
      variables: { region: { default: "eu1", enum: ["eu1", "us1"] } },
    },
  ],
  auth: { type: "header", name: "X-Key" },
  defaultEndpoint: "getJob",
  endpoints: {
    getJob: { path: "/projects/{project}/jobs/{job}", accept: "application/json", pathParams: [], conditional: false },
  },
  adapter: {
    id: "/job/id",
    status: {
      pointer: "/job/state",
      map: {
        WAITING: "queued",
        BUSY: "running",
        DONE: "succeeded",
        BROKE: "failed",
        HUNG: { state: "failed", code: "HUNG" },
      },
    },
    progress: { pointer: "/job/pct", scale: 100 },
    createdAt: "/job/created",
    failure: { message: "/job/why" },
    redirects: { "303": "succeeded" },
  },
};

const snapshot = (body: unknown, httpStatus = 200) => ({
  endpoint: "getJob",
  params: { project: "p1", job: "j1" },
  httpStatus,
  body,
  notModified: false,
});

describe("toOperationStatus", () => {
  const base = "https://ops-eu1.acme.test/api";

  it("maps status words case-insensitively and reads progress and timestamps", () => {
    const status = toOperationStatus(
      acme,
      snapshot({ job: { id: "j1", state: "busy", pct: 42.5, created: "2017/11/27 21:35:38" } }),
      base,
    );
    expect(status).toMatchObject({ state: "running", done: false, rawStatus: "busy", progress: 0.425, id: "j1" });
    expect(status.createdAt?.toISOString()).toBe("2017-11-27T21:35:38.000Z");
    expect(status.ref).toEqual({
      provider: "acme",
      endpoint: "getJob",
      params: { project: "p1", job: "j1" },
      baseUrl: base,
    });
  });

  it("keeps an unknown word as rawStatus with state unknown", () => {
    const status = toOperationStatus(acme, snapshot({ job: { id: "j1", state: "PAUSED" } }), base);
    expect(status).toMatchObject({ state: "unknown", done: false, rawStatus: "PAUSED", error: undefined });
  });

  it("gives a failure code from the map and a message from the body", () => {
    const status = toOperationStatus(
      acme,
      snapshot({ job: { id: "j1", state: "HUNG", why: "stuck in commit" } }),
      base,
    );
    expect(status).toMatchObject({ state: "failed", done: true, error: { code: "HUNG", message: "stuck in commit" } });
  });

  it("clamps progress into 0..1", () => {
    expect(toOperationStatus(acme, snapshot({ job: { state: "BUSY", pct: 140 } }), base).progress).toBe(1);
    expect(toOperationStatus(acme, snapshot({ job: { state: "BUSY", pct: -3 } }), base).progress).toBe(0);
  });

  it("turns a mapped redirect into a terminal state with the result URL", () => {
    const status = toOperationStatus(
      acme,
      { ...snapshot(undefined, 303), location: "https://ops-eu1.acme.test/api/results/9" },
      base,
    );
    expect(status).toMatchObject({
      state: "succeeded",
      done: true,
      id: "j1",
      resultUrl: "https://ops-eu1.acme.test/api/results/9",
    });
  });
});

describe("refFromUrl", () => {
  it("parses a status URL under any server variable value", () => {
    expect(refFromUrl(describedProvider(acme), "https://ops-us1.acme.test/api/projects/p%2F1/jobs/j-9")).toEqual({
      provider: "acme",
      endpoint: "getJob",
      params: { project: "p/1", job: "j-9" },
      baseUrl: "https://ops-us1.acme.test/api",
    });
  });

  it("accepts a configured host and refuses other hosts and paths", () => {
    expect(
      refFromUrl(describedProvider(acme), "http://127.0.0.1:9/projects/p/jobs/j", ["http://127.0.0.1:9"])?.params,
    ).toEqual({
      project: "p",
      job: "j",
    });
    expect(refFromUrl(describedProvider(acme), "https://evil.test/api/projects/p/jobs/j")).toBeUndefined();
    expect(refFromUrl(describedProvider(acme), "https://ops-xx9.acme.test/api/projects/p/jobs/j")).toBeUndefined();
    expect(refFromUrl(describedProvider(acme), "https://ops-eu1.acme.test/api/projects/p/jobs")).toBeUndefined();
    expect(refFromUrl(describedProvider(acme), "not a url")).toBeUndefined();
  });
});

describe("assertRef", () => {
  it("accepts plain JSON refs and rejects anything else with a ValidationError", () => {
    const ref = { provider: "acme", endpoint: "getJob", params: { job: "j" }, baseUrl: "https://x.test" };
    expect(() => assertRef(JSON.parse(JSON.stringify(ref)))).not.toThrow();
    // Integer ids are JSON numbers in a ref: still plain JSON.
    expect(() => assertRef({ ...ref, params: { job: 42 } })).not.toThrow();
    for (const bad of [null, "x", { ...ref, baseUrl: "file:///etc" }, { ...ref, params: { job: true } }]) {
      expect(() => assertRef(bad)).toThrow(ValidationError);
    }
  });
});

describe("x-opwatch shapes", () => {
  const lro: ProviderDescription = {
    ...acme,
    adapter: {
      id: "/name",
      status: {
        when: [
          { pointer: "/done", equals: false, state: "running" },
          { pointer: "/error", present: true, state: "failed" },
          { pointer: "/response", present: true, state: "succeeded" },
        ],
      },
    },
  };
  const read = (body: unknown) => toOperationStatus(lro, snapshot(body), "https://x.test");

  it("reads a Google-style operation: done false → running; error → failed with its code and message", () => {
    expect(read({ name: "operations/o", done: false }).state).toBe("running");
    const failed = read({ name: "operations/o", done: true, error: { code: 9, message: "Precondition failed" } });
    expect(failed).toMatchObject({ state: "failed", done: true, error: { code: "9", message: "Precondition failed" } });
    expect(failed.id).toBe("operations/o");
    const ok = read({ name: "operations/o", done: true, response: { "@type": "x" } });
    expect(ok).toMatchObject({ state: "succeeded", done: true, error: undefined });
    expect(read({ name: "operations/o" }).state).toBe("unknown");
  });

  it("reads booleans and numbers as status words, nested anywhere", () => {
    const numeric: ProviderDescription = {
      ...acme,
      adapter: {
        id: "/a/b/id",
        status: { pointer: "/a/b/code", map: { "0": "running", "1": "succeeded", true: "failed" } },
      },
    };
    const at = (code: unknown) => toOperationStatus(numeric, snapshot({ a: { b: { id: 7, code } } }), "u");
    expect(at(0)).toMatchObject({ state: "running", rawStatus: "0", id: "7" });
    expect(at(1).state).toBe("succeeded");
    expect(at(true).state).toBe("failed");
    expect(at(2)).toMatchObject({ state: "unknown", rawStatus: "2" });
  });

  it("tries rules before the status word", () => {
    const both: ProviderDescription = {
      ...acme,
      adapter: {
        id: "/id",
        status: {
          pointer: "/s",
          map: { ok: "succeeded" },
          when: [{ pointer: "/cancelled", equals: true, state: "canceled" }],
        },
      },
    };
    expect(toOperationStatus(both, snapshot({ s: "ok", cancelled: true }), "u").state).toBe("canceled");
    expect(toOperationStatus(both, snapshot({ s: "OK", cancelled: false }), "u").state).toBe("succeeded");
  });
});
