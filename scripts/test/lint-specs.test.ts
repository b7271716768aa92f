import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const lintSpecs = (...files: string[]) =>
  spawnSync(process.execPath, [join(root, "scripts", "lint-specs.mjs"), ...files], { encoding: "utf8", cwd: root });

describe("pnpm lint:specs", { timeout: 60_000 }, () => {
  it("passes on every spec in specs/", () => {
    const result = lintSpecs();
    expect(result.stderr).not.toMatch(/error/i);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/4 spec\(s\) clean; \d+ examples valid/);
  });

  it("fails on a deliberately broken spec, naming each broken rule", () => {
    const result = lintSpecs(join(root, "scripts", "test", "fixtures", "broken.yaml"));
    const output = result.stdout + result.stderr;
    expect(result.status).toBe(1);
    for (const rule of [
      "operation-operationId",
      "rule/error-response-declared",
      "no-invalid-media-type-examples",
      "no-unused-components",
      "security-defined",
    ]) {
      expect(output).toContain(rule);
    }
    // The JSON Schema 2020-12 pass reports the same bad example on its own.
    expect(output).toMatch(/examples\/wrongType: example does not match its schema \(\/status must be string\)/);
  });
});
