// A provider's whole published spec at the size real ones have (a few MB, 600 operations, OpenAPI 3.0 JSON,
// with the odd names, shapes and stale examples they ship with) goes through every provider-author step, and
// its package has a typed client for every endpoint. How long each step takes is in `pnpm bench spec`.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { largeSpec, operationCount } from "../lib/large-spec.mjs";
import { type AuthorWorkspace, authorSteps, expectEveryStepPassed } from "./real-apis/workspace.js";

const dir = mkdtempSync(join(tmpdir(), "opwatch-large-spec-"));
let workspace: AuthorWorkspace | undefined;
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (workspace) rmSync(workspace.dir, { recursive: true, force: true });
});

describe("a large published spec", { timeout: 300_000 }, () => {
  it("goes through lint:specs, generate, install, build and its package's tests, with a typed client for every endpoint", async () => {
    const document = largeSpec({ operations: 600 });
    const file = join(dir, "large.yaml");
    writeFileSync(file, JSON.stringify(document, null, 2));
    expect(operationCount(document)).toBeGreaterThanOrEqual(600);
    expect(readFileSync(file).length).toBeGreaterThan(2_000_000);

    workspace = await authorSteps([file]);
    expectEveryStepPassed(workspace);
    // Outside the poll endpoints, the spec's own problems are reported, not fatal.
    expect(workspace.steps[0]?.output).toMatch(/problem\(s\) outside the poll endpoints and what they reach/);

    // Every path of the spec is typed in the package (the raw client's `GET`/`POST` take any of them).
    const schema = readFileSync(workspace.providerPackage("large", "dist", "generated", "schema.d.ts"), "utf8");
    for (const path of Object.keys(document.paths)) expect(schema).toContain(`"${path}": {`);
    const { createClient } = await import(workspace.providerPackage("large", "dist", "index.js"));
    const client = createClient({ token: "large-token-0123456789", baseUrl: "http://127.0.0.1:9" });
    expect(typeof client.GET).toBe("function");
  });
});
