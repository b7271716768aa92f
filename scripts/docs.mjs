#!/usr/bin/env node
// @ts-check
// `pnpm run docs`: one static site in site/ (not committed) — an HTML reference per spec (Redocly build-docs,
// scripts inlined, no request to another host: the pages work offline) and the TypeScript API reference of every
// public package (TypeDoc), with an index page. Needs the packages built (`pnpm run docs` builds them first).
//   --out DIR   write the site somewhere else (the tests use a temporary folder)
import { execFile } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { Application, OptionDefaults } from "typedoc";
import { parse } from "yaml";
import { publicPackages } from "./lib/workspace-packages.mjs";

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const outIndex = args.indexOf("--out");
const out = outIndex >= 0 ? resolve(args[outIndex + 1] ?? "site") : join(root, "site");
const redocly = join(dirname(createRequire(import.meta.url).resolve("@redocly/cli/package.json")), "bin", "cli.js");

const started = Date.now();
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "specs"), { recursive: true });

// 1. One page per spec.
const specs = readdirSync(join(root, "specs"))
  .filter((file) => file.endsWith(".yaml"))
  .sort()
  .map((file) => {
    const info = parse(readFileSync(join(root, "specs", file), "utf8")).info ?? {};
    return { name: file.slice(0, -5), file, title: String(info.title ?? file), summary: String(info.summary ?? "") };
  });
// Started now, awaited after TypeDoc: the two run side by side.
const specPages = Promise.all(
  specs.map((spec) =>
    run(
      process.execPath,
      [
        redocly,
        "build-docs",
        join("specs", spec.file),
        "--inlineBundle",
        "-o",
        join(out, "specs", `${spec.name}.html`),
      ],
      { cwd: root, env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" } },
    ),
  ),
);

// 2. The TypeScript API of every public package, read from its sources and tsconfig.
const packages = publicPackages(root);
// openapi-typescript writes these JSDoc tags into the generated schema types.
const blockTags = [...OptionDefaults.blockTags, "@description", "@enum", "@format"];
const app = await Application.bootstrapWithPlugins({
  entryPoints: packages.map((p) => p.dir),
  entryPointStrategy: "packages",
  // The build and `pnpm typecheck` already type-check the sources.
  packageOptions: { entryPoints: ["src/index.ts"], readme: "README.md", blockTags, skipErrorChecking: true },
  skipErrorChecking: true,
  blockTags,
  name: "opwatch API reference",
  readme: "none",
  logLevel: "Warn",
  treatWarningsAsErrors: false,
  disableSources: true,
  githubPages: false,
  validation: { notExported: false, invalidLink: true, notDocumented: true },
  hideGenerator: true,
  packagesRequiringDocumentation: packages.map((p) => p.json.name),
  // Every export has its description; members (fields, methods) are described where they need it.
  requiredToBeDocumented: ["Module", "Namespace", "Enum", "Variable", "Function", "Class", "Interface", "TypeAlias"],
});
const project = await app.convert();
if (!project || app.logger.hasErrors()) {
  console.error("docs: TypeDoc could not read the packages");
  process.exit(1);
}
app.validate(project);
await app.generateDocs(project, join(out, "api"));
if (app.logger.hasErrors()) process.exit(1);
await specPages;
for (const spec of specs) {
  const file = join(out, "specs", `${spec.name}.html`);
  writeFileSync(file, sameOrigin(readFileSync(file, "utf8")));
}

/**
 * A Redoc page that asks no other host for anything. Redoc's bundle points its attribution logo and its icon
 * sets at Redocly's CDNs: the logo becomes an inline SVG, the icon bases a data: URL (an icon then draws
 * nothing; the spec pages use none). A Content-Security-Policy keeps the browser on the page's own origin
 * for whatever a later Redoc might add.
 * @param {string} page
 */
function sameOrigin(page) {
  const logo = `data:image/svg+xml,${encodeURIComponent(
    '<svg xmlns="http://www.w3.org/2000/svg" width="70" height="16"><text x="0" y="13" font-family="sans-serif" font-size="13" fill="#6b6b6b">Redocly</text></svg>',
  )}`;
  const csp = [
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    "connect-src 'self'",
  ].join("; ");
  const local = page
    .replace(/https:\/\/cdn\.redoc\.ly\/redoc\/logo-mini(?:-full)?\.svg/g, logo)
    .replace(/https:\/\/cdn\.redocly\.com\/icons\/[\w./-]*/g, "data:,");
  if (!local.includes("<head>")) throw new Error("docs: a Redoc page without <head>");
  return local.replace("<head>", `<head>\n  <meta http-equiv="Content-Security-Policy" content="${csp}">`);
}

// 3. The index page.
const html = (/** @type {string} */ text) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
writeFileSync(
  join(out, "index.html"),
  `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>opwatch reference</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}code{font-size:.95em}</style>
</head>
<body>
<h1>opwatch reference</h1>
<p>Wait on cloud providers' long-running operations from TypeScript. Generated from the OpenAPI specs and the
package sources; see the <a href="https://github.com/opwatch/opwatch#readme">README</a> to get started.</p>
<h2>HTTP APIs (one page per spec)</h2>
<ul>
${specs.map((s) => `<li><a href="specs/${s.name}.html">${html(s.title)}</a>${s.summary ? ` — ${html(s.summary)}` : ""}</li>`).join("\n")}
</ul>
<h2>TypeScript API</h2>
<p><a href="api/index.html">All packages</a>:</p>
<ul>
${packages.map((p) => `<li><code>${html(p.json.name)}</code> — ${html(p.json.description ?? "")}</li>`).join("\n")}
</ul>
</body>
</html>
`,
);
console.log(
  `docs: ${specs.length} spec page(s) and the API of ${packages.length} packages in ${relative(process.cwd(), out) || "."}/ (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
