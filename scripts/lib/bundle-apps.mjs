// The apps whose bundle size opwatch answers for, built the way an app's bundler builds them (esbuild,
// `platform: "browser"`, ESM, minified) and weighed gzipped (level 9). Shared by the size gate in
// `pnpm test` (scripts/test/bundle-size.test.ts) and `pnpm bench bundle`: both weigh the same apps.
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";

/**
 * Each app: what it imports and calls, and the package folder it is bundled from (so it resolves the
 * workspace's built packages, as an app that installed them would).
 */
export const APPS = {
  wait: {
    label: "facade + one provider, wait()",
    from: "opwatch",
    code: `import { createWatcher, register } from "opwatch";
import { ecl } from "@opwatch/ecl";
const watcher = createWatcher({ providers: [register(ecl, { token: "t", region: "jp1" })] });
export const run = (url) => watcher.wait(url);`,
  },
  get: {
    label: "facade + one provider, get() only",
    from: "opwatch",
    code: `import { createReader, register } from "opwatch";
import { ecl } from "@opwatch/ecl";
const reader = createReader({ providers: [register(ecl, { token: "t", region: "jp1" })] });
export const run = (url) => reader.get(url);`,
  },
  four: {
    label: "facade + four providers, wait()",
    from: "opwatch",
    code: `import { createWatcher, register } from "opwatch";
import { bentley } from "@opwatch/bentley";
import { ecl } from "@opwatch/ecl";
import { keycard } from "@opwatch/keycard";
import { sourcecraft } from "@opwatch/sourcecraft";
const watcher = createWatcher({
  providers: [
    register(bentley, { token: "t" }),
    register(ecl, { token: "t" }),
    register(keycard, { token: "t" }),
    register(sourcecraft, { token: "t" }),
  ],
});
export const run = (url) => watcher.wait(url);`,
  },
  client: {
    label: "one provider's typed client alone",
    from: "providers/ecl",
    code: `import { createClient } from "@opwatch/ecl";
const client = createClient({ token: "t" });
export const run = (id) => client.getOperation(id);`,
  },
  rateLimitError: {
    label: "one error class alone (RateLimitError)",
    from: "opwatch",
    code: `import { RateLimitError } from "opwatch";
export const isRateLimit = (error) => error instanceof RateLimitError;`,
  },
};

/** The references `pnpm bench bundle` prints beside the apps: openapi-fetch (core's dependency) and core-lro (a
 * root devDependency, pinned). */
export const REFERENCES = {
  openapiFetch: {
    label: "openapi-fetch alone",
    from: "core",
    code: `import createClient from "openapi-fetch";
const client = createClient({ baseUrl: "https://api.example.com" });
export const run = (id) => client.GET("/operations/{id}", { params: { path: { id } } });`,
  },
  coreLro: {
    label: "@azure/core-lro createHttpPoller",
    from: "",
    code: `import { createHttpPoller } from "@azure/core-lro";
export const run = (lro) => createHttpPoller(lro).pollUntilDone();`,
  },
};

/**
 * Bundles `code` as an app would and weighs it: the bundle, its minified bytes, gzip (level 9) bytes, and the
 * minified bytes each input file contributes (esbuild's metafile), largest first.
 * @param {string} root the repository's root
 * @param {string} code
 * @param {string} from a folder under `packages/` to resolve imports from, or "" for the root
 */
export async function weigh(root, code, from = "") {
  const result = await build({
    stdin: { contents: code, resolveDir: from ? join(root, "packages", from) : root, loader: "js" },
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    minify: true,
    write: false,
    metafile: true,
    logLevel: "silent",
  });
  const text = result.outputFiles[0]?.text ?? "";
  /** @type {[string, number][]} */
  const inputs = [];
  for (const output of Object.values(result.metafile.outputs)) {
    for (const [path, input] of Object.entries(output.inputs)) {
      if (input.bytesInOutput > 0) inputs.push([shortPath(path), input.bytesInOutput]);
    }
  }
  inputs.sort((a, b) => b[1] - a[1]);
  return { text, min: Buffer.byteLength(text), gzip: gzipSync(text, { level: 9 }).length, inputs };
}

/** `packages/core/dist/errors.js` → `core/errors.js`; a dependency by its package name. @param {string} path */
function shortPath(path) {
  const dependency = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(path);
  if (dependency) return `${dependency[1]}/${dependency[2]}`;
  const workspace = /packages\/(?:providers\/)?([^/]+)\/dist\/(.*)$/.exec(path);
  return workspace ? `${workspace[1]}/${workspace[2]}` : path;
}
