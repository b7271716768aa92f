// no credential leaves its host. Server A is the configured base URL; server B (another
// port) and `localhost` (another hostname) are other origins. Every Location trick, every redirect status,
// through the provider client, its typed GET and the facade: B receives nothing, A never more than allowed.
import { createClient as bentleyClient } from "@opwatch/bentley";
import { type ProviderClientBase, ResponseError } from "@opwatch/core";
import { createClient as eclClient } from "@opwatch/ecl";
import { createClient as keycardClient } from "@opwatch/keycard";
import { createClient as sourcecraftClient } from "@opwatch/sourcecraft";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createWatcher, OpwatchError } from "../src/index.js";
import { fixtures } from "./support/fixtures.js";
import { type Loopback, loopback, send } from "./support/raw-loopback.js";

const TOKEN = "tok_redirect_audit_93kQ0zP";
const clients: Record<string, (options: never) => unknown> = {
  bentley: bentleyClient,
  ecl: eclClient,
  keycard: keycardClient,
  sourcecraft: sourcecraftClient,
};

let a: Loopback;
let b: Loopback;
beforeAll(async () => {
  a = await loopback();
  b = await loopback((_req, res) => send(res, 200, {}));
});
afterAll(async () => {
  await a.close();
  await b.close();
});
beforeEach(() => {
  a.requests.length = 0;
  b.requests.length = 0;
});

/** Location values that all lead off A's origin (`path` is the operation's path). */
const foreign = (path: string): Record<string, string> => ({
  absolute: `${b.url}${path}`,
  "protocol-relative": `//127.0.0.1:${b.port}${path}`,
  "other hostname, same port": `http://localhost:${a.port}${path}`,
  userinfo: `http://user:pass@127.0.0.1:${b.port}${path}`,
  "A as userinfo": `http://127.0.0.1:${a.port}@127.0.0.1:${b.port}${path}`,
  "scheme change": `https://127.0.0.1:${a.port}${path}`,
  backslash: `/\\127.0.0.1:${b.port}${path}`,
  backslashes: `\\\\127.0.0.1:${b.port}${path}`,
  "tab in the slashes": `/\t/127.0.0.1:${b.port}${path}`,
  "hex host": `http://0x7f.0.0.1:${b.port}${path}`,
  "token in the query": `${b.url}${path}?access_token=${TOKEN}`,
});

describe.each(fixtures)("$name: redirects", (f) => {
  const mapped = (status: number) => f.register(a.url).description.adapter.redirects?.[String(status)] !== undefined;
  const tokens = { string: TOKEN, function: async () => TOKEN };

  it("a redirect off A, by any Location trick and any redirect status, reaches nobody (client, typed GET, facade)", async () => {
    for (const [trick, location] of Object.entries(foreign(f.path))) {
      for (const status of [301, 302, 303, 307, 308]) {
        a.handle = (_req, res) => send(res, status, undefined, { location });
        for (const token of Object.values(tokens)) {
          const client = clients[f.name]?.({ token, baseUrl: a.url } as never) as ProviderClientBase & {
            GET(path: string): Promise<unknown>;
          };
          const watcher = createWatcher({ providers: [f.register(a.url, token)] });
          const outcomes = [
            await client.getOperation(watcher.ref(a.url + f.path).params).catch((e: unknown) => e),
            await client.GET(f.path).catch((e: unknown) => e),
            await watcher.get(a.url + f.path).catch((e: unknown) => e),
          ];
          for (const outcome of outcomes) {
            if (mapped(status)) {
              expect(outcome, `${trick} ${status}`).not.toBeInstanceOf(Error);
            } else {
              expect(outcome, `${trick} ${status}`).toBeInstanceOf(ResponseError);
              expect((outcome as Error).message).toMatch(/outside the baseUrl option's origin/);
              expect(JSON.stringify(outcome)).not.toContain(TOKEN);
            }
          }
        }
      }
    }
    expect(b.requests).toEqual([]);
    // One request to A per call: nothing followed.
    expect(a.requests.length).toBe(Object.keys(foreign(f.path)).length * 5 * 2 * 3);
  });

  it("a 300, 304, 305 or 306 with a Location is not followed", async () => {
    for (const status of [300, 304, 305, 306]) {
      a.handle = (_req, res) => send(res, status, undefined, { location: `${b.url}${f.path}` });
      const watcher = createWatcher({ providers: [f.register(a.url, TOKEN)] });
      const error = await watcher.get(a.url + f.path).catch((e: unknown) => e);
      expect(error, String(status)).toBeInstanceOf(ResponseError);
    }
    expect(b.requests).toEqual([]);
  });

  it("a same-origin redirect is followed with the token (any case of scheme and host), a loop stops after 3 hops", async () => {
    for (const status of [301, 302, 307, 308]) {
      if (mapped(status)) continue;
      const moved = `HTTP://127.0.0.1:${a.port}/moved${f.path}`;
      a.handle = (req, res) =>
        req.url?.startsWith("/moved/")
          ? send(res, 200, f.running.body)
          : send(res, status, undefined, { location: moved });
      const watcher = createWatcher({ providers: [f.register(a.url, TOKEN)] });
      expect((await watcher.get(a.url + f.path)).state).toBe("running");
    }
    const [header, value] = f.auth(TOKEN);
    expect(a.requests.every((r) => r.headers[header] === value)).toBe(true);

    a.requests.length = 0;
    a.handle = (req, res) => send(res, 307, undefined, { location: req.url ?? "/" });
    const watcher = createWatcher({ providers: [f.register(a.url, TOKEN)] });
    const started = Date.now();
    const error = await watcher.wait(a.url + f.path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect((error as Error).message).toMatch(/redirected more than 3 times/);
    expect(a.requests).toHaveLength(4);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("a same-origin hop, then a hop off A: refused, B receives nothing", async () => {
    a.handle = (req, res) =>
      send(res, 302, undefined, { location: req.url?.startsWith("/moved/") ? `${b.url}${f.path}` : `/moved${f.path}` });
    const watcher = createWatcher({ providers: [f.register(a.url, TOKEN)] });
    const error = await watcher.wait(a.url + f.path).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(a.requests).toHaveLength(2);
    expect(b.requests).toEqual([]);
  });

  it("refs and status URLs that point elsewhere are refused before any request", async () => {
    const watcher = createWatcher({ providers: [f.register(a.url, TOKEN)] });
    const ref = watcher.ref(a.url + f.path);
    const elsewhere = [
      `${b.url}${f.path}`,
      `http://localhost:${a.port}${f.path}`,
      `http://127.0.0.1:${a.port}@127.0.0.1:${b.port}${f.path}`,
      `https://127.0.0.1:${a.port}${f.path}`,
    ];
    for (const url of elsewhere) {
      await expect(watcher.get(url), url).rejects.toBeInstanceOf(OpwatchError);
      await expect(watcher.get({ ...ref, baseUrl: new URL(url).origin }), url).rejects.toBeInstanceOf(OpwatchError);
    }
    for (const baseUrl of [`${a.url}/`, `${a.url}/..`, `http://x:y@127.0.0.1:${a.port}`, a.url.toUpperCase()]) {
      const outcome = await watcher.get({ ...ref, baseUrl }).catch((e: unknown) => e);
      if (outcome instanceof Error) expect(outcome).toBeInstanceOf(OpwatchError);
    }
    expect(b.requests).toEqual([]);
  });
});
