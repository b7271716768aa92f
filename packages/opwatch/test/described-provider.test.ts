// A provider from a hand-written description (`describedProvider` of @opwatch/core/described) waits through
// the facade like a generated one; a module without compiled code is refused with what to pass instead; and
// an app of a generated provider bundles no description interpreter.
import { fileURLToPath } from "node:url";
import { describedProvider } from "@opwatch/core/described";
import { ecl, description as eclDescription } from "@opwatch/ecl";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";
import { createWatcher, register, ValidationError } from "../src/index.js";

const jobs = describedProvider({
  name: "jobs",
  displayName: "Jobs",
  servers: [{ url: "https://jobs.example.test/api" }],
  auth: { type: "header", name: "X-Jobs-Key" },
  defaultEndpoint: "getJob",
  endpoints: {
    getJob: {
      path: "/jobs/{job}",
      accept: "application/json",
      pathParams: [{ name: "job", pattern: "^j-[0-9]+$" }],
      conditional: false,
    },
  },
  adapter: {
    id: "/id",
    status: { pointer: "/state", map: { running: "running", done: "succeeded", broken: "failed" } },
    failure: { message: "/why" },
  },
});

const answering = (bodies: unknown[]) => {
  const seen: { url: string; key: string | null }[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    const request = new Request(input, init);
    seen.push({ url: request.url, key: request.headers.get("x-jobs-key") });
    const body = bodies[Math.min(seen.length - 1, bodies.length - 1)];
    return new Response(JSON.stringify(body), { headers: { "content-type": "application/json" } });
  };
  return { seen, fetch };
};

describe("a provider from a hand-written description", () => {
  it("waits through the facade, its ids checked and its answers read as the description says", async () => {
    const { seen, fetch } = answering([
      { id: "j-7", state: "running" },
      { id: "j-7", state: "done" },
    ]);
    const watcher = createWatcher({ providers: [register(jobs, { token: "tok_jobs_1234", fetch })] });
    const final = await watcher.wait("https://jobs.example.test/api/jobs/j-7", { minDelayMs: 1, maxDelayMs: 1 });
    expect(final).toMatchObject({ provider: "jobs", id: "j-7", state: "succeeded", done: true });
    expect(seen).toEqual([
      { url: "https://jobs.example.test/api/jobs/j-7", key: "tok_jobs_1234" },
      { url: "https://jobs.example.test/api/jobs/j-7", key: "tok_jobs_1234" },
    ]);
    await expect(watcher.get("https://jobs.example.test/api/jobs/x-7")).rejects.toThrow(
      'jobs: path parameter "job" must match ^j-[0-9]+$, got "x-7".',
    );
  });

  it("reads a generated provider's description as its compiled code does", async () => {
    const described = describedProvider(eclDescription);
    const bodies = [
      { operation: { id: "a", status: "PROCESSING", reception_datetime: "2026-01-02 03:04:05" } },
      { operation: { id: "a", status: "stuck", error: "disk" } },
      { operation: { id: "a", status: "ERROR" } },
      { operation: { status: 7 } },
      {},
    ];
    for (const body of bodies) {
      const snapshot = {
        endpoint: "getOperation",
        params: { operation_id: "x" },
        httpStatus: 200,
        body,
        notModified: false,
      };
      expect(described.toStatus(snapshot, "https://b.test")).toEqual(ecl.toStatus(snapshot, "https://b.test"));
    }
    const path = "/v1.0/operations/75aab8db-8632-42b4-af2f-06b5820798ef";
    expect(described.matchPath(path)).toEqual(ecl.matchPath(path));
    expect(() => described.checkParams("getOperation", { operation_id: "nope" })).toThrow(
      (() => {
        try {
          ecl.checkParams("getOperation", { operation_id: "nope" });
        } catch (error) {
          return (error as Error).message;
        }
        return "no error";
      })(),
    );
  });

  it("refuses a module without compiled code, saying to pass describedProvider(description)", () => {
    const bare = { name: "jobs", description: jobs.description };
    expect(() => register(bare as never, { token: "t" } as never)).toThrow(ValidationError);
    expect(() => register(bare as never, { token: "t" } as never)).toThrow(/describedProvider\(description\)/);
  });

  it("is not bundled by an app that waits on a generated provider", async () => {
    const result = await build({
      stdin: {
        contents: `import { createWatcher, register } from "opwatch"; import { ecl } from "@opwatch/ecl";
          const w = createWatcher({ providers: [register(ecl, { token: "t" })] }); export const run = (u) => w.wait(u);`,
        resolveDir: fileURLToPath(new URL("..", import.meta.url)),
      },
      bundle: true,
      format: "esm",
      platform: "browser",
      minify: true,
      write: false,
    });
    const code = result.outputFiles[0]?.text ?? "";
    // The interpreter's marks: what a `when` rule or a status word decided, and the path-template parser.
    expect(code).toContain("virtual-network-appliance");
    expect(code).not.toContain("when/");
    expect(code).not.toContain("map/");
  });
});
