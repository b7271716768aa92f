#!/usr/bin/env node
// @ts-check
// `pnpm run docs`: one static site in site/ (not committed) — the guides (docs/guides), every public package's
// README and API with each export's description (TypeDoc), an HTML reference per spec (Redocly build-docs,
// scripts inlined, no request to another host: the pages work offline), and an index page that links them. Needs the packages built (`pnpm run docs` builds them first).
//   --out DIR   write the site somewhere else (the tests use a temporary folder)
import { execFile } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
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

/** The guides (docs/guides), in reading order: the index lists them so, and TypeDoc renders each as a page. */
const GUIDES = [
  "first-wait.md",
  "many-waits.md",
  "browser-cors.md",
  "durable-waits.md",
  "adding-a-provider.md",
  "cli.md",
];

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
/** The packages in the order a new user meets them: the facade, the providers, the CLI, durable, core. */
const byFirstUse = (list) => {
  const rank = (name) =>
    name === "opwatch"
      ? 0
      : name === "@opwatch/cli"
        ? 2
        : name === "@opwatch/durable"
          ? 3
          : name === "@opwatch/core"
            ? 4
            : 1;
  return [...list].sort((a, b) => rank(a.json.name) - rank(b.json.name) || a.json.name.localeCompare(b.json.name));
};
// openapi-typescript writes these JSDoc tags into the generated schema types.
const blockTags = [...OptionDefaults.blockTags, "@description", "@enum", "@format"];
const app = await Application.bootstrapWithPlugins({
  entryPoints: packages.map((p) => p.dir),
  entryPointStrategy: "packages",
  // The build and `pnpm typecheck` already type-check the sources.
  packageOptions: {
    entryPoints: ["src/index.ts"],
    readme: "README.md",
    blockTags,
    skipErrorChecking: true,
    // What the provider packages need of core but apps do not is tagged @internal (or lives in
    // @opwatch/core/internal, an entry this site does not document): no page for it.
    excludeInternal: true,
    // What the packages inherit from Node's and the DOM's types (Error's stack-trace statics) is not ours.
    excludeExternals: true,
  },
  skipErrorChecking: true,
  blockTags,
  name: "opwatch",
  readme: "none",
  // The guides (docs/guides/*.md), beside the packages; they link symbols with {@link …}.
  projectDocuments: GUIDES.map((file) => `docs/guides/${file}`),
  sort: ["documents-first", "kind", "instance-first", "alphabetical-ignoring-documents"],
  logLevel: "Warn",
  treatWarningsAsErrors: false,
  disableSources: true,
  githubPages: false,
  // A type an export refers to is exported and described too: no signature names a type the site lacks.
  validation: { notExported: true, invalidLink: true, notDocumented: true },
  hideGenerator: true,
  highlightLanguages: [...OptionDefaults.highlightLanguages, "sql", "ini"],
  packagesRequiringDocumentation: packages.map((p) => p.json.name),
  // Every export has its description; members (fields, methods) are described where they need it.
  requiredToBeDocumented: ["Namespace", "Enum", "Variable", "Function", "Class", "Interface", "TypeAlias"],
});
const project = await app.convert();
if (!project || app.logger.hasErrors()) {
  console.error("docs: TypeDoc could not read the packages");
  process.exit(1);
}
// A type a signature names but no entry exports would have no page: TypeDoc warns while converting.
if (app.logger.warningCount > 0) {
  console.error("docs: a type an export refers to is not exported (above); export it, with a doc comment");
  process.exit(1);
}
// Every export has a description: an undocumented one fails the build, named.
const warningsBefore = app.logger.warningCount;
app.validate(project);
if (app.logger.warningCount > warningsBefore) {
  console.error("docs: every export needs a doc comment (above); add one where it is declared");
  process.exit(1);
}
await app.generateDocs(project, join(out, "api"));
if (app.logger.hasErrors()) process.exit(1);
onSite(join(out, "api"));
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

/** The API page of a package: TypeDoc names a module's page after the package (`@opwatch/core` → `_opwatch_core`). */
function modulePage(/** @type {string} */ name) {
  return `api/modules/${name.replace(/[@/]/g, "_")}.html`;
}

/**
 * Links to the repository's own files become links to their pages here: a package's folder (its README) to
 * the package's API page, which shows that README; a spec to its HTTP reference page. The READMEs keep their
 * GitHub links, which are right on npm and GitHub.
 * @param {string} dir
 */
function onSite(dir) {
  /** @type {Map<string, string>} */
  const targets = new Map();
  for (const p of packages) targets.set(`tree/main/${p.dir}`, modulePage(p.json.name));
  for (const spec of specs) targets.set(`blob/main/specs/${spec.file}`, `specs/${spec.name}.html`);
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".html")) continue;
    const file = join(entry.parentPath, entry.name);
    const up = relative(dirname(file), out).split(sep).join("/") || ".";
    const page = readFileSync(file, "utf8");
    const local = page.replace(
      /href="https:\/\/github\.com\/opwatch\/opwatch\/((?:tree|blob)\/main\/[\w./-]+?)\/?(#readme)?"/g,
      (link, path) => {
        const target = targets.get(path);
        return target ? `href="${up}/${target}"` : link;
      },
    );
    if (local !== page) writeFileSync(file, local);
  }
}

// 3. The index page: what opwatch is, the guides, the packages, the HTTP references.
const html = (/** @type {string} */ text) =>
  text.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] ?? c);
const guides = GUIDES.map((file) => {
  const text = readFileSync(join(root, "docs", "guides", file), "utf8");
  const title = /^title:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? file;
  const page = `api/documents/${title.replace(/\s/g, "_")}.html`;
  if (!existsSync(join(out, page))) throw new Error(`docs: TypeDoc wrote no ${page} for docs/guides/${file}`);
  return { title, page, summary: /^summary:\s*(.+)$/m.exec(text)?.[1]?.trim() ?? "" };
});
writeFileSync(
  join(out, "index.html"),
  `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>opwatch</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem}code{font-size:.95em}li{margin:.25rem 0}</style>
</head>
<body>
<h1>opwatch</h1>
<p>opwatch waits on cloud providers' long-running operations — a schedule change, a secret rotation, an
install, an appliance update — from TypeScript and from the shell. It is for developers and operators whose
code starts such operations and must know how each ended: one normalized status and one poller for every
provider, typed clients generated from each provider's OpenAPI spec, a CLI for scripts and CI, and durable
waits on Postgres for services. New here? Start with <a href="${guides[0]?.page}">${html(guides[0]?.title ?? "")}</a>.</p>
<h2>Guides</h2>
<ul>
${guides.map((g) => `<li><a href="${g.page}">${html(g.title)}</a>${g.summary ? ` — ${html(g.summary)}` : ""}</li>`).join("\n")}
</ul>
<h2>Packages</h2>
<p>Each page shows the package's README, then every export with its description (<a href="api/index.html">all packages</a>).</p>
<ul>
${byFirstUse(packages)
  .map(
    (p) =>
      `<li><a href="${modulePage(p.json.name)}"><code>${html(p.json.name)}</code></a> — ${html(p.json.description ?? "")}</li>`,
  )
  .join("\n")}
</ul>
<h2>HTTP APIs (one page per spec)</h2>
<ul>
${specs.map((s) => `<li><a href="specs/${s.name}.html">${html(s.title)}</a>${s.summary ? ` — ${html(s.summary)}` : ""}</li>`).join("\n")}
</ul>
</body>
</html>
`,
);
console.log(
  `docs: ${specs.length} spec page(s) and the API of ${packages.length} packages in ${relative(process.cwd(), out) || "."}/ (${((Date.now() - started) / 1000).toFixed(1)} s)`,
);
