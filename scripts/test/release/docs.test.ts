// `pnpm run docs` builds the site: the guides, every public package's README and API (TypeDoc, every export
// described, internals left out), one Redoc page per spec, and an index page linking them. The pages ask no
// host but their own for anything: read statically (every script, style, font and image reference in every
// page and asset) and in headless Chromium, which loads each page from a loopback server, clicks every button,
// and records every request the page makes. Every page has content, and every link on it leads to a page of
// the site that exists (and to the anchor it names), or off the site only to a reference of the platform.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, extname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import chromium from "@sparticuz/chromium";
import { chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { publicPackages } from "../../lib/workspace-packages.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const out = join(mkdtempSync(join(tmpdir(), "opwatch-docs-")), "site");
afterAll(() => rmSync(dirname(out), { recursive: true, force: true }));
beforeAll(async () => {
  await promisify(execFile)(process.execPath, [join(root, "scripts", "docs.mjs"), "--out", out], { cwd: root });
});

const specNames = () =>
  readdirSync(join(root, "specs"))
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -5));

const ABSOLUTE = String.raw`(?:https?:)?//[^\s"'<>)\`]+`;
/** Resource references to another origin in HTML, CSS or JS: what a browser would fetch, not links to follow. */
const RESOURCE_PATTERNS = [
  // src/srcset/poster/data of an element that loads what it points at.
  new RegExp(
    String.raw`<(?:script|img|iframe|source|audio|video|embed|object|track|input)\b[^>]*?\b(?:src|srcset|poster|data)\s*=\s*["']?(${ABSOLUTE})`,
    "gi",
  ),
  // <link rel=stylesheet|icon|preload|…>; canonical and alternate are links, not resources.
  new RegExp(
    String.raw`<link\b(?![^>]*\brel\s*=\s*["']?(?:canonical|alternate)\b)[^>]*?\bhref\s*=\s*["']?(${ABSOLUTE})`,
    "gi",
  ),
  // CSS (in style sheets, <style> and inline styles, or built by scripts): url(…) and @import.
  new RegExp(String.raw`url\(\s*["'\`]?(${ABSOLUTE})`, "gi"),
  new RegExp(String.raw`@import\s+["']?(${ABSOLUTE})`, "gi"),
  // Asset hosts a bundle points at in a string: CDNs, web fonts.
  /(https?:\/\/(?:cdn\.[\w.-]+|[\w.-]+\.cdn\.[\w.-]+|fonts\.(?:googleapis|gstatic)\.com|unpkg\.com|cdnjs\.[\w.-]+)[^\s"'<>)`]*)/gi,
];

/** Every resource reference to another origin in `text`. */
function externalResources(text: string): string[] {
  return RESOURCE_PATTERNS.flatMap((pattern) => [...text.matchAll(pattern)].map((m) => m[1] ?? ""));
}

/** The text of an HTML page, tags dropped and whitespace collapsed. */
function text(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&nbsp;/g, " ")
    .replace(/&amp;/g, "&")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, " ");
}

/** Links off the site the pages may keep: the platform's references TypeScript's own types link to. */
const OFF_SITE_REFERENCES = /^https:\/\/(developer\.mozilla\.org|v8\.dev)\//;

function* siteFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* siteFiles(path);
    else if ([".html", ".css", ".js"].includes(extname(entry.name))) yield path;
  }
}

describe("docs site", () => {
  it("has a page per spec and the API of every public package, linked from an index", async () => {
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

  it("shows each package's README on its page and links the package names from the index", () => {
    const index = readFileSync(join(out, "index.html"), "utf8");
    for (const p of publicPackages(root)) {
      const page = `api/modules/${p.json.name.replace(/[@/]/g, "_")}.html`;
      expect(index, p.json.name).toContain(`<a href="${page}"><code>${p.json.name}</code></a>`);
      const html = readFileSync(join(out, page), "utf8");
      // A sentence of the README's first paragraph, and each of its second-level headings.
      const readme = readFileSync(join(p.path, "README.md"), "utf8");
      const sentence = readme
        .split("\n\n")
        .find((block) => /^[A-Z]/.test(block))
        ?.replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
        .replace(/`/g, "")
        .split(/\s+/)
        .slice(0, 4)
        .join(" ");
      expect(sentence, p.json.name).toBeTruthy();
      expect(text(html), p.json.name).toContain(sentence);
      for (const [, heading] of readme.matchAll(/^## (.+)$/gm)) {
        const plain = (heading ?? "").replace(/\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/`/g, "");
        expect(text(html), `${p.json.name}: ${heading}`).toContain(plain);
      }
    }
  });

  it("has the guides, linked from the index, and describes the exports, with examples", () => {
    const index = readFileSync(join(out, "index.html"), "utf8");
    const guides = [
      ...new Set([...index.matchAll(/<a href="(api\/documents\/[^"]+\.html)">/g)].map((m) => m[1] ?? "")),
    ];
    expect(guides.length).toBe(readdirSync(join(root, "docs", "guides")).length);
    expect(index).toContain(`Start with <a href="${guides[0]}">`);
    for (const guide of guides)
      expect(text(readFileSync(join(out, decodeURI(guide)), "utf8")).length).toBeGreaterThan(800);
    // The exports a new user meets first, each with its description (and createWatcher with its example).
    const described = {
      "functions/opwatch.createWatcher.html": [
        "Bad options throw a ValidationError",
        "const final = await watcher.wait",
      ],
      "interfaces/opwatch.Watcher.html": ["One per process is enough"],
      "functions/_opwatch_durable.createDurableWatcher.html": ["Makes a durable watcher", "durable.enqueue"],
    };
    for (const [page, texts] of Object.entries(described)) {
      const html = text(readFileSync(join(out, "api", page), "utf8"));
      // Code is highlighted token by token: compared without whitespace.
      for (const expected of texts) expect(html.replace(/\s/g, ""), page).toContain(expected.replace(/\s/g, ""));
    }
  });

  it("leaves internals out: no page for what core marks @internal or exports only from its internal entry", async () => {
    const core = publicPackages(root).find((p) => p.json.name === "@opwatch/core");
    const internalEntry = join(core?.path ?? "", "dist", "internal.js");
    const publicNames = new Set(Object.keys(await import(join(core?.path ?? "", "dist", "index.js"))));
    const internal = existsSync(internalEntry)
      ? Object.keys(await import(internalEntry)).filter((name) => !publicNames.has(name))
      : [];
    const pages = readdirSync(join(out, "api"), { recursive: true }).map(String);
    for (const name of [...internal, "endSentence", "pointerTokens", "rememberSecret", "withLimits", "setUpClient"]) {
      expect(
        pages.filter((page) => page.includes(`_opwatch_core.${name}.html`)),
        name,
      ).toEqual([]);
    }
  });

  it("references no script, style, font or image on another origin, in any page or asset", () => {
    // The check itself sees what Redoc's bundle used to load (its CDN logo and icons) and the usual forms.
    const sample = new Set(
      externalResources(
        '<img src="https://cdn.redoc.ly/redoc/logo-mini.svg"><link rel="stylesheet" href="//fonts.googleapis.com/css">' +
          "<style>@import 'https://x.test/a.css'; b{background:url(https://x.test/b.png)}</style>" +
          '<script src="https://x.test/c.js"></script>{fa:`https://cdn.redocly.com/icons/fa/7.0.0`}' +
          '<a href="https://github.com/opwatch/opwatch">link</a><link rel="canonical" href="https://x.test/">',
      ),
    );
    expect([...sample].sort()).toEqual([
      "//fonts.googleapis.com/css",
      "https://cdn.redoc.ly/redoc/logo-mini.svg",
      "https://cdn.redocly.com/icons/fa/7.0.0",
      "https://x.test/a.css",
      "https://x.test/b.png",
      "https://x.test/c.js",
    ]);
    const found = [...siteFiles(out)].flatMap((file) =>
      externalResources(readFileSync(file, "utf8")).map((url) => `${relative(out, file)}: ${url}`),
    );
    expect(found).toEqual([]);
    for (const name of specNames()) {
      expect(readFileSync(join(out, "specs", `${name}.html`), "utf8")).toMatch(
        /<meta http-equiv="Content-Security-Policy" content="default-src 'self';[^"]*connect-src 'self'">/,
      );
    }
  });

  it("makes no request to another host when a browser loads and clicks through each page", async () => {
    const server = createServer((req, res) => {
      const path = join(out, decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname));
      if (!path.startsWith(out) || !existsSync(path)) return void res.writeHead(404).end();
      const type = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };
      res.writeHead(200, { "content-type": type[extname(path) as keyof typeof type] ?? "application/octet-stream" });
      res.end(readFileSync(path));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    chromium.setGraphicsMode = false;
    const unsafe =
      /^--(disable-web-security|allow-running-insecure-content|disable-site-isolation-trials|headless|single-process)/;
    const browser = await playwright.launch({
      executablePath: await chromium.executablePath(),
      args: chromium.args.filter((arg) => !unsafe.test(arg)),
      headless: true,
    });
    try {
      const pages = [...siteFiles(out)]
        .filter((file) => file.endsWith(".html"))
        .map((file) => relative(out, file).split("\\").join("/"));
      expect(pages.length).toBeGreaterThan(100);
      const seenKinds = new Set<string>();
      const firstOfKind = (path: string) => {
        const kind = path.split("/").slice(0, -1).join("/");
        if (seenKinds.has(kind)) return false;
        seenKinds.add(kind);
        return true;
      };
      const linkProblems: string[] = [];
      const offSite = new Set<string>();
      /** The ids on each page, read once, for the links that name an anchor. */
      const idsOf = new Map<string, Set<string>>();
      for (const path of pages) {
        const page = await browser.newPage();
        const requests: string[] = [];
        const violations: string[] = [];
        page.on("request", (request) => requests.push(request.url()));
        page.on("console", (message) => {
          if (message.text().startsWith("CSP ")) violations.push(message.text());
        });
        await page.addInitScript(() =>
          document.addEventListener("securitypolicyviolation", (e) =>
            console.error(`CSP ${e.violatedDirective} ${e.blockedURI}`),
          ),
        );
        // Nothing leaves the machine even if a page tried: other origins are recorded, then aborted.
        await page.route("**/*", (route) =>
          route.request().url().startsWith(origin) ? route.continue() : route.abort(),
        );
        const response = await page.goto(`${origin}/${encodeURI(path)}`, { waitUntil: "load" });
        expect(response?.status(), path).toBe(200);
        // Open what opens: response codes, samples, expanders, tabs. TypeDoc's pages, ~200 alike, share one
        // script and style: the index, the API index and one page of each kind get the full treatment.
        if (
          path.startsWith("specs/") ||
          !/\/(classes|functions|interfaces|types|variables)\//.test(path) ||
          firstOfKind(path)
        ) {
          await page.evaluate(() => {
            for (const button of document.querySelectorAll("button")) button.click();
          });
          await page.mouse.wheel(0, 4000);
          await page.waitForLoadState("networkidle");
        }
        expect(
          requests.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url)),
          path,
        ).toEqual([]);
        expect(violations, path).toEqual([]);
        // Not an empty page: a heading, and words under it.
        const content = await page.evaluate(() => ({
          headings: document.querySelectorAll("h1, h2").length,
          words: (document.body.innerText ?? "").split(/\s+/).filter(Boolean).length,
          ids: [...document.querySelectorAll("[id], a[name]")].map((e) => e.id || e.getAttribute("name") || ""),
          links: [...document.querySelectorAll("a[href]")].map((a) => (a as HTMLAnchorElement).href),
        }));
        expect(content.headings, path).toBeGreaterThan(0);
        expect(content.words, path).toBeGreaterThan(20);
        idsOf.set(path, new Set(content.ids));
        for (const link of content.links) {
          if (!/^https?:/.test(link)) continue;
          if (!link.startsWith(`${origin}/`)) {
            offSite.add(link);
            continue;
          }
          const [file = "", anchor] = decodeURIComponent(link.slice(origin.length + 1)).split("#");
          const target = file === "" || file.endsWith("/") ? `${file}index.html` : file;
          if (!existsSync(join(out, target))) linkProblems.push(`${path} → ${link} (no such page)`);
          else if (anchor) linkProblems.push(`#${anchor}@${target}@${path}`);
        }
        if (path.startsWith("specs/")) {
          // Redoc rendered under the policy, with its attribution logo drawn from the page itself.
          expect(await page.locator("h1, h2").count(), path).toBeGreaterThan(0);
          const logo = page.locator('img[alt="redocly logo"]');
          expect(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth), path).toBeGreaterThan(0);
        }
        await page.close();
      }
      // Anchors, once every page's ids are known (TypeDoc's and Redoc's own in-page links are built by script).
      const broken = linkProblems.filter((problem) => {
        if (!problem.startsWith("#")) return true;
        const [anchor = "", target = ""] = problem.slice(1).split("@");
        const ids = idsOf.get(target);
        return ids !== undefined && !ids.has(anchor) && !target.startsWith("specs/");
      });
      expect(broken).toEqual([]);
      // Off the site: never the repository (its pages are here), only the platform's references.
      // A spec's contact (`info.contact.url`) shows on its page as the spec says.
      const contacts = new Set(
        specNames().map((n) => parse(readFileSync(join(root, "specs", `${n}.yaml`), "utf8")).info?.contact?.url),
      );
      expect(
        [...offSite].filter(
          (link) => !OFF_SITE_REFERENCES.test(link) && !isRedocAttribution(link) && !contacts.has(link),
        ),
      ).toEqual([]);
    } finally {
      await browser.close();
      server.close();
    }
  }, 480_000); // ~220 pages in one browser: about 2 minutes here, longer on a loaded machine
});

/** Redoc's "API docs by Redocly" line on each spec page: the renderer's credit, not a page of ours. */
function isRedocAttribution(link: string): boolean {
  return /^https:\/\/redocly\.com\/redoc\/?$/.test(link);
}
