// `pnpm bench bundle`: the apps of the size gate (scripts/lib/bundle-apps.mjs; esbuild, browser, minified,
// gzip -9) beside openapi-fetch alone and @azure/core-lro's createHttpPoller, with the files that weigh most.
import { APPS, REFERENCES, weigh } from "../lib/bundle-apps.mjs";
import { BUDGETS } from "../lib/bundle-budgets.mjs";
import { x } from "./stats.mjs";

/** Prints the bundle table. */
export async function bundleSection(root) {
  const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
  const row = (label, size, extra = "") =>
    `  ${label.padEnd(42)} ${String(size.min).padStart(6)} B  gzip ${String(size.gzip).padStart(6)} B${extra}`;
  console.log("bundle: apps as esbuild bundles them (browser, ESM, minified), gzip -9 bytes");
  const references = {};
  for (const [key, reference] of Object.entries(REFERENCES)) {
    references[key] = await weigh(root, reference.code, reference.from);
    console.log(row(reference.label, references[key]));
  }
  for (const [key, app] of Object.entries(APPS)) {
    const size = await weigh(root, app.code, app.from);
    const budget = BUDGETS[key];
    const ratios = ` ${x(size.gzip / references.openapiFetch.gzip)} openapi-fetch, ${x(size.gzip / references.coreLro.gzip)} core-lro`;
    console.log(row(app.label, size, `${ratios}; budget ${budget ?? "none"}`));
    const top = size.inputs.slice(0, 6).map(([path, bytes]) => `${path} ${kB(bytes)}`);
    console.log(`  ${"".padEnd(42)} min by file: ${top.join(", ")}`);
  }
  console.log("  targets: wait() ≤ 7,000 B, get() only ≤ 5,500 B, four providers ≤ 8,500 B, typed client ≤ 5,000 B\n");
}
