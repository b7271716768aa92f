import { afterEach, describe, expect, it, vi } from "vitest";
import { describedProvider } from "../src/described/index.js";
import {
  AbortError,
  AuthError,
  createOperationReader,
  MAX_REDIRECTS,
  NetworkError,
  ResponseError,
  TimeoutError,
} from "../src/index.js";
import { acme, timersLeftBy } from "./acme.js";

const description = acme({ server: "https://{region}.acme.test", auth: { type: "header", name: "X-Auth-Token" } });
const TOKEN = "secret-token-9f8e7d6c";
const job = () => new Response(JSON.stringify({ id: "j1", state: "DONE" }), { status: 200 });

/** A fetch that records every request and answers from `answer(url)`. */
function recording(answer: (url: string) => Response) {
  const seen: { url: string; token: string | null; redirect: RequestRedirect }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    seen.push({ url: request.url, token: request.headers.get("x-auth-token"), redirect: request.redirect });
    return answer(request.url);
  };
  return { seen, fetch };
}

afterEach(() => vi.unstubAllGlobals());

describe("createOperationReader", () => {
  it("sends one GET with the API-key header, the region option as server variable, and redirect manual", async () => {
    const { seen, fetch } = recording(job);
    const reader = createOperationReader(describedProvider(description), { token: TOKEN, fetch, region: "us" });
    expect(reader.baseUrl).toBe("https://us.acme.test");
    const snapshot = await reader.getOperation("a b/c");
    expect(snapshot).toMatchObject({ httpStatus: 200, body: { id: "j1" }, params: { job: "a b/c" } });
    expect(seen).toEqual([{ url: "https://us.acme.test/jobs/a%20b%2Fc", token: TOKEN, redirect: "manual" }]);
  });

  it("checks each read's ids: a repeated id reads the same URL, a changed or bad one is checked again", async () => {
    const { seen, fetch } = recording(job);
    const reader = createOperationReader(describedProvider(description), { token: TOKEN, fetch });
    const first = await reader.getOperation("j1");
    const again = await reader.getOperation({ job: "j1" });
    expect(again.params).toEqual({ job: "j1" });
    expect(again.params).not.toBe(first.params); // each snapshot gets its own params
    await expect(reader.getOperation("")).rejects.toThrow(/must not be empty/);
    await reader.getOperation("j/2");
    expect(seen.map((s) => s.url)).toEqual([
      "https://eu.acme.test/jobs/j1",
      "https://eu.acme.test/jobs/j1",
      "https://eu.acme.test/jobs/j%2F2",
    ]);
  });

  it("follows a same-origin redirect by hand, with the token, at most MAX_REDIRECTS times", async () => {
    const { seen, fetch } = recording((url) =>
      url === "https://eu.acme.test/jobs/j1"
        ? new Response(null, { status: 307, headers: { Location: "/v2/jobs/j1" } })
        : job(),
    );
    const reader = createOperationReader(describedProvider(description), { token: TOKEN, fetch });
    await expect(reader.getOperation("j1")).resolves.toMatchObject({ body: { id: "j1" } });
    expect(seen.map((s) => [s.url, s.token])).toEqual([
      ["https://eu.acme.test/jobs/j1", TOKEN],
      ["https://eu.acme.test/v2/jobs/j1", TOKEN],
    ]);

    const loop = recording((url) => new Response(null, { status: 302, headers: { Location: `${url}x` } }));
    const looping = createOperationReader(describedProvider(description), { token: TOKEN, fetch: loop.fetch });
    const error = await looping.getOperation("j1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as Error).message).toContain(`more than ${MAX_REDIRECTS} times`);
    expect(loop.seen).toHaveLength(MAX_REDIRECTS + 1);
  });

  it("refuses a redirect to another origin with a ResponseError naming it, and sends nothing there", async () => {
    for (const location of [
      "https://collector.evil.test/steal",
      "//collector.evil.test/x",
      "http://eu.acme.test/jobs/j1",
      "https://eu.acme.test:8443/jobs/j1",
      "javascript:alert(1)",
    ]) {
      const { seen, fetch } = recording(() => new Response(null, { status: 301, headers: { Location: location } }));
      const reader = createOperationReader(describedProvider(description), { token: TOKEN, fetch });
      const error = await reader.getOperation("j1").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseError);
      expect((error as Error).message).toMatch(/redirected \(301\) to .+, outside the baseUrl option's origin/);
      expect(seen).toHaveLength(1);
    }
  });

  it("cuts an unanswered read at the deadline with a TimeoutError, and leaves no timer", async () => {
    const reader = createOperationReader(describedProvider(description), {
      token: TOKEN,
      fetch: () => new Promise(() => undefined),
    });
    const started = Date.now();
    let error: unknown;
    const left = await timersLeftBy(async () => {
      error = await reader.getOperation("j1", { deadline: started + 50 }).catch((e: unknown) => e);
    });
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).retryable).toBe(false);
    expect((error as Error).message).toContain("ReadOptions.deadline");
    expect(Date.now() - started).toBeLessThan(1000);
    expect(left).toBe(0);
    const passed = await reader.getOperation("j1", { deadline: started - 1 }).catch((e: unknown) => e);
    expect(passed).toBeInstanceOf(TimeoutError);
  });

  it("aborts the request itself when the deadline passes, and times out by timeoutMs when sooner", async () => {
    let signal: AbortSignal | undefined;
    const fetch: typeof globalThis.fetch = (_input, init) => {
      signal = init?.signal ?? undefined;
      return new Promise(() => undefined);
    };
    const reader = createOperationReader(describedProvider(description), { token: TOKEN, fetch, timeoutMs: 20 });
    const error = await reader.getOperation("j1", { deadline: Date.now() + 10_000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toContain("timed out after 20 ms");
    expect(signal?.aborted).toBe(true);
  });

  it("hands a live signal to a fetch wrapper that spreads the init, and an aborted one to a late reader", async () => {
    let spread: AbortSignal | undefined;
    const wrapper: typeof globalThis.fetch = (_input, init) => {
      spread = { ...init }.signal ?? undefined;
      return new Promise(() => undefined);
    };
    const error = await createOperationReader(describedProvider(description), {
      token: TOKEN,
      fetch: wrapper,
      timeoutMs: 20,
    })
      .getOperation("j1")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(spread?.aborted).toBe(true);
    expect(spread?.reason).toBe(error);

    let kept: RequestInit | undefined;
    const late: typeof globalThis.fetch = (_input, init) => {
      kept = init;
      return new Promise(() => undefined);
    };
    const cut = await createOperationReader(describedProvider(description), { token: TOKEN, fetch: late })
      .getOperation("j1", { deadline: Date.now() + 20 })
      .catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(TimeoutError);
    // Read only after the cut: the signal is made then, already aborted with the same error.
    expect(kept?.signal?.aborted).toBe(true);
    expect(kept?.signal?.reason).toBe(cut);
  });

  it("rejects with AbortError when the caller's signal fires mid-read, and leaves no timer", async () => {
    const controller = new AbortController();
    const reader = createOperationReader(describedProvider(description), {
      token: TOKEN,
      fetch: () => new Promise(() => undefined),
    });
    let error: unknown;
    const left = await timersLeftBy(async () => {
      const pending = reader.getOperation("j1", { signal: controller.signal });
      controller.abort(new Error("user left"));
      error = await pending.catch((e: unknown) => e);
    });
    expect(error).toBeInstanceOf(AbortError);
    expect(left).toBe(0); // the 30 s per-request timer is cleared, not left to run
  });

  it("asks a token function once more after a 401, and turns its failure into an AuthError", async () => {
    const tokens = ["old-token-1234", "new-token-5678"];
    const { seen, fetch } = recording(() => (seen.length === 1 ? new Response("{}", { status: 401 }) : job()));
    const reader = createOperationReader(describedProvider(description), { token: () => tokens.shift() ?? "", fetch });
    await reader.getOperation("j1");
    expect(seen.map((s) => s.token)).toEqual(["old-token-1234", "new-token-5678"]);

    const failing = createOperationReader(describedProvider(description), {
      token: () => {
        throw new Error("vault sealed");
      },
      fetch,
    });
    const error = await failing.getOperation("j1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as Error).message).toContain("vault sealed");
  });

  it("refuses a browser's opaque redirect when the spec maps none, telling which option to set", async () => {
    const opaque = Object.defineProperty(new Response(null, { status: 200 }), "type", { value: "opaqueredirect" });
    const reader = createOperationReader(describedProvider(description), { token: TOKEN, fetch: async () => opaque });
    const error = await reader.getOperation("j1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as Error).message).toContain("set the baseUrl option to the final host");
  });

  it("in a browser, names CORS and the headers a proxy must allow and expose", async () => {
    vi.stubGlobal("document", {});
    const reader = createOperationReader(describedProvider(description), {
      token: TOKEN,
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    const error = await reader.getOperation("j1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect((error as Error).message).toBe(
      "acme: the request to https://eu.acme.test failed (Failed to fetch); in a browser this is often CORS: the server must allow this origin and the headers X-Auth-Token and If-None-Match, and expose ETag, Retry-After and Location.",
    );
    vi.unstubAllGlobals();
    const node = await reader.getOperation("j1").catch((e: unknown) => e);
    expect((node as Error).message).not.toContain("CORS");
  });
});
