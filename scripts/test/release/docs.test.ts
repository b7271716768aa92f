// `pnpm run docs` builds the reference site: one Redoc page per spec, the TypeDoc API of every public package,
// and an index page linking them.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { publicPackages } from "../../lib/workspace-packages.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const out = join(mkdtempSync(join(tmpdir(), "opwatch-docs-")), "site");
afterAll(() => rmSync(dirname(out), { recursive: true, force: true }));

describe("docs site", () => {
  it("has a page per spec and the API of every public package, linked from an index", async () => {
    await promisify(execFile)(process.execPath, [join(root, "scripts", "docs.mjs"), "--out", out], { cwd: root });
    const index = readFileSync(join(out, "index.html"), "utf8");
    for (const file of readdirSync(join(root, "specs")).filter((f) => f.endsWith(".yaml"))) {
      const name = file.slice(0, -5);
      const title = parse(readFileSync(join(root, "specs", file), "utf8")).info.title as string;
      expect(index).toContain(`href="specs/${name}.html"`);
      const page = readFileSync(join(out, "specs", `${name}.html`), "utf8");
      expect(page).toContain(title.replace(/&/g, "&amp;").split(" ")[0]);
      // Redoc's scripts are inlined: the page does not load code from a CDN.
      expect(page).not.toMatch(/<script[^>]+src="https?:/);
    }
    expect(index).toContain('href="api/index.html"');
    const api = readFileSync(join(out, "api", "index.html"), "utf8");
    const names = publicPackages(root).map((p) => p.json.name);
    for (const name of names) {
      expect(api).toContain(name);
      expect(existsSync(join(out, "api", "modules", `${name.replace(/[@/]/g, "_")}.html`)), name).toBe(true);
    }
    // A documented export is there with its comment.
    expect(readFileSync(join(out, "api", "modules", "opwatch.html"), "utf8")).toContain("createWatcher");
  });
});
