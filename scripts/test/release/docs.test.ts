// `pnpm run docs` builds the reference site: one Redoc page per spec, the TypeDoc API of every public package,
// and an index page linking them. The pages ask no host but their own for anything: read statically (every
// script, style, font and image reference in every page and asset) and in headless Chromium, which loads each
// page from a loopback server, clicks every button, and records every request the page makes.
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
      for (const path of [...specNames().map((n) => `specs/${n}.html`), "index.html", "api/index.html"]) {
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
        await page.goto(`${origin}/${path}`, { waitUntil: "load" });
        // Open what opens: response codes, samples, expanders, tabs.
        await page.evaluate(() => {
          for (const button of document.querySelectorAll("button")) button.click();
        });
        await page.mouse.wheel(0, 4000);
        await page.waitForLoadState("networkidle");
        expect(
          requests.filter((url) => !url.startsWith(`${origin}/`) && !/^(data|blob):/.test(url)),
          path,
        ).toEqual([]);
        expect(violations, path).toEqual([]);
        if (path.startsWith("specs/")) {
          // Redoc rendered under the policy, with its attribution logo drawn from the page itself.
          expect(await page.locator("h1, h2").count(), path).toBeGreaterThan(0);
          const logo = page.locator('img[alt="redocly logo"]');
          expect(await logo.evaluate((img: HTMLImageElement) => img.naturalWidth), path).toBeGreaterThan(0);
        }
        await page.close();
      }
    } finally {
      await browser.close();
      server.close();
    }
  });
});
