// The size gate: each app of scripts/lib/bundle-apps.mjs, bundled from the built packages as an app's bundler
// would (esbuild, browser, minified) and gzipped, stays within its fixed budget (scripts/lib/bundle-budgets.mjs).
// Bundles are deterministic: the same sources give the same bytes on any machine, whatever its load.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { APPS, weigh } from "../lib/bundle-apps.mjs";
import { BUDGETS } from "../lib/bundle-budgets.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("bundle sizes (esbuild, browser, min+gzip)", () => {
  it("has a budget for every app and an app for every budget", () => {
    expect(Object.keys(BUDGETS).sort()).toEqual(Object.keys(APPS).sort());
  });

  for (const [key, app] of Object.entries(APPS)) {
    it(`${app.label} stays within ${BUDGETS[key]} B gzipped`, async () => {
      const size = await weigh(root, app.code, app.from);
      const heaviest = size.inputs
        .slice(0, 8)
        .map(([path, bytes]) => `${path} ${bytes} B`)
        .join(", ");
      expect(
        size.gzip,
        `${app.label}: ${size.gzip} B gzipped (heaviest files, minified: ${heaviest})`,
      ).toBeLessThanOrEqual(BUDGETS[key] as number);
    });
  }

  it("sheds what an app does not call: get() alone carries no poll loop, one error class carries no other", async () => {
    const get = await weigh(root, APPS.get.code, APPS.get.from);
    const paths = get.inputs.map(([path]) => path);
    // get() runs on the same slot path (opwatch/wait.js) without the loop's rules, delays and state.
    for (const pollOnly of [
      "opwatch/poll-loop.js",
      "opwatch/read-outcome.js",
      "opwatch/delays.js",
      "opwatch/last-status.js",
      "opwatch/poll-state.js",
      "opwatch/wait-errors.js",
      "opwatch/changes.js",
    ]) {
      expect(paths, `get() only bundles ${pollOnly}`).not.toContain(pollOnly);
    }
    const error = await weigh(root, APPS.rateLimitError.code, APPS.rateLimitError.from);
    const fromElsewhere = error.inputs
      .map(([path]) => path)
      .filter((path) => path !== "<stdin>" && !path.startsWith("core/"));
    expect(fromElsewhere).toEqual([]);
    // Each class is named in its own code only (its brand is its name): no other class came along.
    for (const other of ["ValidationError", "NotFoundError", "ServerError", "TimeoutError", "OperationFailedError"]) {
      expect(error.text, `RateLimitError alone bundles ${other}`).not.toContain(other);
    }
  });

  it("carries a rule kind's reader only with a provider whose spec uses it", async () => {
    const paths = async (key: keyof typeof APPS) =>
      (await weigh(root, APPS[key].code, APPS[key].from)).inputs.map(([path]) => path);
    // ECL maps no redirect or bodyless answer and has no multi-segment parameter; Keycard maps its 303.
    const ecl = [...(await paths("wait")), ...(await paths("client"))];
    // Nor do they follow JSON pointers at run time: their bodies are read by compiled code.
    for (const reader of ["core/mapped-answers.js", "core/segment-filler.js", "core/pointer.js"]) {
      expect(ecl, `ECL's apps bundle ${reader}`).not.toContain(reader);
    }
    expect(await paths("four")).toContain("core/mapped-answers.js");
  });

  it("reads with the compiled provider only: no app bundles a provider's whole description", async () => {
    for (const key of ["wait", "four", "client"] as const) {
      const app = APPS[key];
      const paths = (await weigh(root, app.code, app.from)).inputs.map(([path]) => path);
      expect(
        paths.filter((path) => path.endsWith("/generated/description.js")),
        app.label,
      ).toEqual([]);
    }
  });
});
