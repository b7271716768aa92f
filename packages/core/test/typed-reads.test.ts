// Reads with typed path parameters, multi-segment names and rate-limit pushback, end to end through the client.
import { describe, expect, it } from "vitest";
import { describedProvider } from "../src/described/index.js";
import {
  createProviderClient,
  type ProviderDescription,
  RateLimitError,
  refFromUrl,
  ValidationError,
} from "../src/index.js";

const description: ProviderDescription = {
  name: "acme",
  displayName: "Acme",
  servers: [{ url: "https://api.acme.test/v1" }],
  auth: { type: "header", name: "X-Api-Key" },
  defaultEndpoint: "getJob",
  endpoints: {
    getJob: {
      path: "/jobs/{job}",
      accept: "application/json",
      pathParams: [{ name: "job", type: "integer", minimum: 1 }],
      conditional: false,
    },
    getLro: {
      path: "/{name}",
      accept: "application/json",
      pathParams: [{ name: "name", multiSegment: true, pattern: "^projects/[^/]+/operations/[^/]+$" }],
      conditional: false,
    },
  },
  adapter: { id: "/id", status: { pointer: "/state", map: { DONE: "succeeded" } } },
};

function recording(answer: () => Response = () => Response.json({ id: 1, state: "DONE" })) {
  const urls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    urls.push(new Request(input, init).url);
    return answer();
  };
  return { urls, fetch };
}

describe("typed path parameters", () => {
  it("sends an integer id given as a number or a decimal string, and keeps it a number", async () => {
    const { urls, fetch } = recording();
    const client = createProviderClient(describedProvider(description), { token: "k", fetch });
    expect((await client.getOperation(42)).params).toEqual({ job: 42 });
    expect((await client.getOperation({ job: "7" })).params).toEqual({ job: 7 });
    expect(urls).toEqual(["https://api.acme.test/v1/jobs/42", "https://api.acme.test/v1/jobs/7"]);
  });

  it("refuses 'abc' and '0' for an integer with minimum 1 before any request", async () => {
    const { urls, fetch } = recording();
    const client = createProviderClient(describedProvider(description), { token: "k", fetch });
    await expect(client.getOperation("abc")).rejects.toBeInstanceOf(ValidationError);
    await expect(client.getOperation("0")).rejects.toThrow(/at least 1/);
    expect(urls).toEqual([]);
  });

  it("sends a multi-segment name with its slashes, and refuses one that escapes its path", async () => {
    const { urls, fetch } = recording();
    const client = createProviderClient(describedProvider(description), { token: "k", fetch });
    await client.getOperation("projects/p/operations/o", { endpoint: "getLro" });
    expect(urls).toEqual(["https://api.acme.test/v1/projects/p/operations/o"]);
    for (const bad of ["projects/../operations/o", "projects/p/operations/o?x", "projects/p/operations/o#f"]) {
      await expect(client.getOperation(bad, { endpoint: "getLro" })).rejects.toBeInstanceOf(ValidationError);
    }
    expect(urls).toHaveLength(1);
  });

  it("parses status URLs into refs with numeric and multi-segment params", () => {
    expect(refFromUrl(describedProvider(description), "https://api.acme.test/v1/jobs/42")?.params).toEqual({ job: 42 });
    expect(
      refFromUrl(describedProvider(description), "https://api.acme.test/v1/projects/p/operations/o"),
    ).toMatchObject({
      endpoint: "getLro",
      params: { name: "projects/p/operations/o" },
    });
  });
});

describe("pushback", () => {
  it("turns a 429 with only an epoch RateLimit-Reset into a RateLimitError with retryAfter", async () => {
    const reset = Math.floor(Date.now() / 1000) + 60;
    const { fetch } = recording(
      () => new Response("{}", { status: 429, headers: { "ratelimit-reset": String(reset) } }),
    );
    const client = createProviderClient(describedProvider(description), { token: "k", fetch });
    const error = await client.getOperation(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBeGreaterThanOrEqual(58);
    expect((error as RateLimitError).retryAfter).toBeLessThanOrEqual(60);
  });

  it("passes a 200's exhausted IETF RateLimit on as the snapshot's retryAfter", async () => {
    const { fetch } = recording(() =>
      Response.json({ id: 1, state: "DONE" }, { headers: { ratelimit: '"default";r=0;t=30' } }),
    );
    const client = createProviderClient(describedProvider(description), { token: "k", fetch });
    const snapshot = await client.getOperation(1);
    expect(snapshot.retryAfter).toBe(30);
    expect(snapshot.rateLimitReset).toBe(30); // the credential's budget: a poller shares it
  });

  it("keeps a Retry-After on a 200 out of rateLimitReset (that operation's pace only)", async () => {
    const { fetch } = recording(() => Response.json({ id: 1, state: "DONE" }, { headers: { "retry-after": "9" } }));
    const client = createProviderClient(describedProvider(description), { token: "k", fetch });
    const snapshot = await client.getOperation(1);
    expect(snapshot.retryAfter).toBe(9);
    expect(snapshot.rateLimitReset).toBeUndefined();
  });

  it("judges an HTTP-date Retry-After and an epoch reset by the `now` read option", async () => {
    const now = Date.UTC(2031, 0, 1);
    const { fetch } = recording(() =>
      Response.json(
        { id: 1, state: "DONE" },
        {
          headers: {
            "retry-after": new Date(now + 20_000).toUTCString(),
            "x-ratelimit-remaining": "0",
            "x-ratelimit-reset": String(now / 1000 + 40),
          },
        },
      ),
    );
    const client = createProviderClient(describedProvider(description), { token: "k", fetch });
    const snapshot = await client.getOperation(1, { now: () => now });
    expect(snapshot).toMatchObject({ retryAfter: 40, rateLimitReset: 40 });
  });
});
