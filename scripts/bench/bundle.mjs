// `pnpm bench bundle`: an app that waits with the facade and one provider (esbuild, browser, min+gzip),
// vs openapi-fetch alone, with the minified bytes per package.
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { x } from "./stats.mjs";

/** Prints the bundle table. */
export async function bundleSection(root) {
  const gz = async (contents, resolveDir) => {
    const result = await build({
      stdin: { contents, resolveDir },
      bundle: true,
      format: "esm",
      platform: "browser",
      minify: true,
      write: false,
      metafile: true,
    });
    const code = result.outputFiles[0]?.text ?? "";
    // Minified bytes per package (esbuild's metafile): where the size comes from.
    const byPackage = {};
    for (const output of Object.values(result.metafile.outputs)) {
      for (const [path, input] of Object.entries(output.inputs)) {
        const name =
          /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ??
          /packages\/(?:providers\/)?([^/]+)/.exec(path)?.[1] ??
          "entry";
        byPackage[name] = (byPackage[name] ?? 0) + input.bytesInOutput;
      }
    }
    return { min: code.length, gzip: gzipSync(code).length, byPackage };
  };
  const kB = (bytes) => `${(bytes / 1000).toFixed(1)} kB`;
  const alone = await gz(
    `import createClient from "openapi-fetch"; export const c = createClient({ baseUrl: "https://x.test" });`,
    join(root, "packages", "core"),
  );
  console.log("bundle: an app that waits with the facade and one provider (esbuild, browser, min+gzip)");
  console.log(
    `  ${"openapi-fetch alone".padEnd(22)} ${String(alone.min).padStart(6)} B  gzip ${String(alone.gzip).padStart(5)} B`,
  );
  for (const name of ["sourcecraft", "keycard", "bentley", "ecl"]) {
    const size = await gz(
      `import { createWatcher, register } from "opwatch"; import { ${name} } from "@opwatch/${name}";
        const w = createWatcher({ providers: [register(${name}, { token: "t", baseUrl: "https://x.test" })] });
        export const run = (url) => w.wait(url);`,
      join(root, "packages", "opwatch"),
    );
    console.log(
      `  ${`opwatch + ${name}`.padEnd(22)} ${String(size.min).padStart(6)} B  gzip ${String(size.gzip).padStart(5)} B  ${x(size.gzip / alone.gzip)} openapi-fetch`,
    );
    const parts = Object.entries(size.byPackage).sort(([, a], [, b]) => b - a);
    console.log(`  ${"".padEnd(22)} min by package: ${parts.map(([pkg, bytes]) => `${pkg} ${kB(bytes)}`).join(", ")}`);
  }
  console.log("  target: facade + one provider ≤ 7 kB min+gzip (reference: 9.4 kB before)\n");
}
