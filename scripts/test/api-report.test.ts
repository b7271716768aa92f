// `pnpm api` / `api:check`: the committed API reports follow the built declarations, and a change to a
// package's public API fails the check until the report is updated (so the change shows in the diff).
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const script = join(dirname(fileURLToPath(import.meta.url)), "..", "api-report.mjs");
const work = mkdtempSync(join(tmpdir(), "opwatch-api-test-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const run = (...args: string[]) =>
  spawnSync(process.execPath, [script, "--root", work, ...args], { encoding: "utf8", timeout: 60_000 });

describe("API reports", { timeout: 120_000 }, () => {
  it("are written per public package and catch a change to the public API", () => {
    const pkg = (name: string, dts: string, extra: object = {}) => {
      const dir = join(work, "packages", name);
      mkdirSync(join(dir, "dist"), { recursive: true });
      writeFileSync(
        join(dir, "package.json"),
        JSON.stringify({ name: `@scope/${name}`, version: "1.0.0", types: "./dist/index.d.ts", ...extra }),
      );
      writeFileSync(join(dir, "dist", "index.d.ts"), dts);
    };
    pkg("alpha", "/** Adds. */\nexport declare function add(a: number, b: number): number;\n");
    pkg("hidden", "export declare const secret = 1;\n", { private: true });

    const first = run();
    expect(first.status, first.stderr).toBe(0);
    const report = readFileSync(join(work, "api", "alpha.api.md"), "utf8");
    expect(report).toContain("export function add(a: number, b: number): number;");
    expect(() => readFileSync(join(work, "api", "hidden.api.md"))).toThrow();

    // A new parameter is an API change: the check fails and names the report; `pnpm api` accepts it.
    pkg("alpha", "/** Adds. */\nexport declare function add(a: number, b: number, c?: number): number;\n");
    const stale = run("--check");
    expect(stale.status).toBe(1);
    expect(stale.stderr).toContain("api/alpha.api.md");
    expect(readFileSync(join(work, "api", "alpha.api.md"), "utf8")).toBe(report);
    expect(run().status).toBe(0);
    expect(readFileSync(join(work, "api", "alpha.api.md"), "utf8")).toContain("c?: number");
  });
});
