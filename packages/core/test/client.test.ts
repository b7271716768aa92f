import { describe, expect, it } from "vitest";
import { describedProvider } from "../src/described/index.js";
import {
  AuthError,
  createProviderClient,
  NetworkError,
  type ProviderDescription,
  ResponseError,
} from "../src/index.js";
import { acme, timersLeftBy } from "./acme.js";

const description = acme({ job: { minLength: 1 }, adapter: { redirects: { "303": "succeeded" } } });
const TOKEN = "secret-token-9f8e7d6c";

describe("createProviderClient", () => {
  it("treats a browser's opaque redirect as the spec's only mapped redirect", async () => {
    const opaque = Object.defineProperty(new Response(null, { status: 200 }), "type", { value: "opaqueredirect" });
    Object.defineProperty(opaque, "status", { value: 0 });
    const client = createProviderClient(describedProvider(description), { token: TOKEN, fetch: async () => opaque });
    const snapshot = await client.getOperation("j1");
    expect(snapshot).toMatchObject({ httpStatus: 303, body: undefined, notModified: false });
    expect(snapshot.location).toBeUndefined();
  });

  it("refuses a 200 that is not a JSON object with a ResponseError", async () => {
    const client = createProviderClient(describedProvider(description), {
      token: TOKEN,
      fetch: async () => new Response("<html>", { status: 200 }),
    });
    await expect(client.getOperation("j1")).rejects.toBeInstanceOf(ResponseError);
  });

  it("times a hung request out as a retryable NetworkError and leaves no timer", async () => {
    const client = createProviderClient(describedProvider(description), {
      token: TOKEN,
      timeoutMs: 30,
      fetch: (input, init) =>
        new Promise((_, reject) => {
          const request = new Request(input, init);
          request.signal.addEventListener("abort", () => reject(new DOMException("aborted", "AbortError")));
        }),
    });
    let error: unknown;
    const left = await timersLeftBy(async () => {
      error = await client.getOperation("j1").catch((e: unknown) => e);
    });
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as NetworkError).retryable).toBe(true);
    expect((error as Error).message).toContain("timed out after 30 ms");
    expect(left).toBe(0);
  });

  it("redacts a token that a server echoes back in its error body", async () => {
    const client = createProviderClient(
      describedProvider({ ...description, adapter: { ...description.adapter, errorBody: { message: "/message" } } }),
      {
        token: TOKEN,
        fetch: async () => new Response(JSON.stringify({ message: `bad token ${TOKEN}` }), { status: 401 }),
      },
    );
    const error = await client.getOperation("j1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain("bad token [REDACTED]");
    expect(JSON.stringify(error)).not.toContain(TOKEN);
  });

  it("sends the spec's media type as Accept by default, and the caller's own when given", async () => {
    const accepts: (string | null)[] = [];
    const fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      accepts.push(new Request(input, init).headers.get("accept"));
      return new Response(JSON.stringify({ id: "j1", state: "DONE" }), { status: 200 });
    };
    const vendor = {
      ...description,
      endpoints: { getJob: { ...description.endpoints.getJob, accept: "application/vnd.acme+json" } },
    };
    const client = createProviderClient(describedProvider(vendor as ProviderDescription), { token: TOKEN, fetch });
    await client.getOperation("j1");
    await client.GET("/jobs/{job}" as never, { params: { path: { job: "j1" } } } as never);
    const custom = createProviderClient(describedProvider(vendor as ProviderDescription), {
      token: TOKEN,
      fetch,
      headers: { accept: "application/json" },
    });
    await custom.getOperation("j1");
    expect(accepts).toEqual(["application/vnd.acme+json", "application/vnd.acme+json", "application/json"]);
  });

  it("resolves a relative Location against the request URL, not the base URL", async () => {
    const client = createProviderClient(describedProvider(description), {
      token: TOKEN,
      baseUrl: "https://api.acme.test/v2",
      fetch: async () => new Response(null, { status: 303, headers: { Location: "installs/i9" } }),
    });
    const snapshot = await client.getOperation("j1");
    expect(snapshot.location).toBe("https://api.acme.test/v2/jobs/installs/i9");
  });
});
