// The live display (its redraw, spinner and colours: picocolors) is loaded only when a live
// display is drawn: `opwatch --help`, `get` and a piped `wait` never load it (terminal.test.ts draws it).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, bentleyServer, bt, childEnv, OP, spawnCollect, TOKEN } from "./helpers.js";

const dir = mkdtempSync(join(tmpdir(), "opwatch-lazy-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A module hook that names every file module the process loads, on stderr.
writeFileSync(
  join(dir, "hooks.mjs"),
  `export async function load(url, context, next) {
    if (url.startsWith("file:")) process.stderr.write("LOADED " + url + "\\n");
    return next(url, context);
  }\n`,
);
writeFileSync(
  join(dir, "register.mjs"),
  `import { register } from "node:module";\nregister(${JSON.stringify(pathToFileURL(join(dir, "hooks.mjs")).href)});\n`,
);

const LIVE = /\/picocolors\/|\/display\/(live|redraw)\.js$/;

async function loadedBy(args: string[], env: Record<string, string> = {}) {
  const child = await spawnCollect(process.execPath, ["--import", join(dir, "register.mjs"), BIN, ...args], {
    ...childEnv({ BENTLEY_TOKEN: TOKEN, ...env }),
  });
  const loaded = child.stderr
    .split("\n")
    .filter((line) => line.startsWith("LOADED "))
    .map((line) => line.slice("LOADED ".length));
  return { code: child.code, loaded };
}

describe("the live display loads only when it is drawn", () => {
  it("opwatch --help loads none of it", async () => {
    const { code, loaded } = await loadedBy(["--help"]);
    expect(code).toBe(0);
    expect(loaded.some((url) => url.endsWith("/cli/dist/program.js"))).toBe(true); // the hook sees our modules
    expect(loaded.filter((url) => LIVE.test(url))).toEqual([]);
  });

  it("opwatch get and a piped opwatch wait load none of it", async () => {
    const server = await bentleyServer([{ status: 200, body: bt.succeeded }]);
    const url = `https://api.bentley.com${OP}`;
    for (const args of [
      ["get", url],
      ["wait", url, "--min-delay", "5ms", "--max-delay", "5ms"],
    ]) {
      const { code, loaded } = await loadedBy(args, { BENTLEY_BASE_URL: server.url });
      expect(code, args[0]).toBe(0);
      expect(loaded.filter((file) => LIVE.test(file))).toEqual([]);
    }
  });
});
