// A real browser, with CORS on: headless Chromium (the build shipped inside @sparticuz/chromium, no system
// package) driven by playwright-core loads an esbuild bundle of the facade and one provider from one loopback
// origin and waits on an operation served from another, through a CORS proxy that allows and exposes exactly
// the headers the READMEs list. The negative control talks to the same server without CORS: the wait must
// fail within its consecutive-failure budget with an error that names CORS.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { examplesOf, type ScriptedServer, startScriptedServer } from "@opwatch/testkit";
import chromium from "@sparticuz/chromium";
import { build } from "esbuild";
import { type Browser, chromium as playwright } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const OPERATION = "/schedules/2f9a3c1e-6b2d-4d8e-9f10-7a5b4c3d2e1f/operations/bdc8fb5d-ce72-42f9-8818-bb2942927428";
const TOKEN = "browser-token";
// What a CORS proxy must allow and expose (the READMEs' list).
const ALLOW_HEADERS = "Authorization, X-Auth-Token, If-None-Match";
const EXPOSE_HEADERS = "ETag, Retry-After, Location";

// The page: the facade and one provider, bundled for the browser; `opwatchWait` reports a result or the error chain.
const ENTRY = `
import { createWatcher, register } from "opwatch";
import { bentley } from "@opwatch/bentley";
globalThis.opwatchWait = async ({ url, baseUrl, token, polling }) => {
  const watcher = createWatcher({ providers: [register(bentley, { token, baseUrl })] });
  const started = Date.now();
  try {
    const final = await watcher.wait(url, polling);
    return { state: final.state, progress: final.progress, ms: Date.now() - started };
  } catch (error) {
    const chain = [];
    for (let e = error; e && chain.length < 5; e = e.cause) chain.push({ name: e.name, message: String(e.message) });
    return { error: chain, ms: Date.now() - started };
  }
};
`;

let browser: Browser;
let backend: ScriptedServer;
let proxy: { url: string; server: Server; preflights: IncomingMessage[] };
let page: { url: string; server: Server };

beforeAll(async () => {
  const bundle = await build({
    stdin: { contents: ENTRY, resolveDir: root, loader: "js", sourcefile: "page.js" },
    bundle: true,
    write: false,
    platform: "browser",
    format: "esm",
    target: "es2022",
    logLevel: "silent",
  });
  const js = bundle.outputFiles[0]?.text ?? "";
  page = await listen((_req, res) => {
    if (_req.url === "/page.js") {
      res.writeHead(200, { "content-type": "text/javascript" }).end(js);
    } else {
      res
        .writeHead(200, { "content-type": "text/html" })
        .end('<!doctype html><script type="module" src="/page.js"></script>');
    }
  });

  const bt = examplesOf("bentley", "getScheduleOperation", "200") as Record<string, { operation: unknown }>;
  backend = await startScriptedServer("bentley", {
    operationId: "getScheduleOperation",
    requireHeader: { authorization: `Bearer ${TOKEN}` },
    // Queued twice, then succeeded; ETags make the client send If-None-Match, a header the preflight must allow.
    script: (req) => {
      const reads = backend.requests.filter((r) => r.method === "GET").length;
      const [body, etag] = reads <= 2 ? [bt.queued, '"v1"'] : [bt.succeeded, '"v2"'];
      if (req.headers["if-none-match"] === etag) return { status: 304, headers: { ETag: etag } };
      return { status: 200, body, headers: { ETag: etag } };
    },
  });

  // A minimal CORS proxy in front of the backend: answers preflights, forwards reads, exposes the headers.
  const preflights: IncomingMessage[] = [];
  const target = new URL(backend.url);
  const proxyServer = await listen((req, res) => {
    const cors = { "access-control-allow-origin": page.url, vary: "Origin" };
    if (req.method === "OPTIONS") {
      preflights.push(req);
      res
        .writeHead(204, {
          ...cors,
          "access-control-allow-methods": "GET",
          "access-control-allow-headers": ALLOW_HEADERS,
          "access-control-max-age": "0",
        })
        .end();
      return;
    }
    const forward = request(
      { host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          ...cors,
          "access-control-expose-headers": EXPOSE_HEADERS,
        });
        answer.pipe(res);
      },
    );
    forward.on("error", () => res.writeHead(502).end());
    req.pipe(forward);
  });
  proxy = { ...proxyServer, preflights };

  // CORS stays on: drop the serverless build's switches that turn web security off (and its own headless flag,
  // which Playwright sets itself; and single-process, which dies when a tab closes).
  chromium.setGraphicsMode = false;
  const unsafe =
    /^--(disable-web-security|allow-running-insecure-content|disable-site-isolation-trials|headless|single-process)/;
  browser = await playwright.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args.filter((arg) => !unsafe.test(arg)),
    headless: true,
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await backend?.stop();
  for (const server of [proxy?.server, page?.server]) {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  }
});

async function waitInBrowser(baseUrl: string, polling: Record<string, number>) {
  const tab = await browser.newPage();
  try {
    await tab.goto(`${page.url}/`);
    await tab.waitForFunction(() => "opwatchWait" in globalThis);
    return await tab.evaluate(
      (args) =>
        (
          globalThis as unknown as {
            opwatchWait: (
              a: typeof args,
            ) => Promise<{ state?: string; error?: { name: string; message: string }[]; ms: number }>;
          }
        ).opwatchWait(args),
      { url: `${baseUrl}${OPERATION}`, baseUrl, token: TOKEN, polling },
    );
  } finally {
    await tab.close();
  }
}

describe("in a browser (headless Chromium, CORS on)", () => {
  it("waits on an operation through a CORS proxy that allows and exposes the documented headers", async () => {
    const result = await waitInBrowser(proxy.url, { minDelayMs: 20, maxDelayMs: 50, maxWaitMs: 20_000 });
    expect(result.error).toBeUndefined();
    expect(result.state).toBe("succeeded");
    // It really was cross-origin: the browser asked first, for the token header and the conditional read.
    const asked = proxy.preflights.map((p) => String(p.headers["access-control-request-headers"]));
    expect(asked.some((h) => h.includes("authorization"))).toBe(true);
    expect(asked.some((h) => h.includes("if-none-match"))).toBe(true);
    // The exposed ETag came back as If-None-Match, and the server answered 304 at least once.
    expect(backend.requests.some((r) => r.headers["if-none-match"] !== undefined)).toBe(true);
    expect(backend.requests.every((r) => r.headers.origin === page.url)).toBe(true);
  });

  it("fails within the failure budget, naming CORS, when the server does not answer CORS (negative control)", async () => {
    const before = backend.requests.length;
    // A long deadline: what ends the wait is the consecutive-failure budget, not the clock.
    const budget = 3;
    const result = await waitInBrowser(backend.url, {
      minDelayMs: 20,
      maxDelayMs: 50,
      maxWaitMs: 120_000,
      maxConsecutiveFailures: budget,
    });
    expect(result.state).toBeUndefined();
    const chain = result.error ?? [];
    expect(chain.map((e) => e.name)).toContain("NetworkError");
    expect(chain[0]?.message).toMatch(new RegExp(`${budget} failures in a row`));
    const network = chain.find((e) => e.name === "NetworkError");
    expect(network?.message).toMatch(/CORS/);
    expect(network?.message).toMatch(/Failed to fetch/);
    expect(result.ms).toBeLessThan(60_000);
    // Each try was one preflight that the browser refused to follow: no read reached the handler.
    const tries = backend.requests.slice(before);
    expect(tries.every((r) => r.method === "OPTIONS")).toBe(true);
    expect(tries).toHaveLength(budget);
  });
});

async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void) {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
