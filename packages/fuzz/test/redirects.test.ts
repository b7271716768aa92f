// No request ever goes to an origin other than the base URL's: two loopback servers on different ports
// (different origins); the first redirects, the second must receive nothing.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { OpwatchError, ResponseError } from "@opwatch/core";
import { createWatcher, register } from "opwatch";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { providers } from "../src/index.js";

interface Loopback {
  url: string;
  requests: { url: string; headers: IncomingMessage["headers"] }[];
  answer: (path: string) => { status: number; headers?: Record<string, string>; body?: string };
  server: Server;
}

async function loopback(): Promise<Loopback> {
  const box: Loopback = { url: "", requests: [], answer: () => ({ status: 500 }), server: createServer() };
  box.server.on("request", (req, res) => {
    box.requests.push({ url: req.url ?? "", headers: req.headers });
    const { status, headers, body } = box.answer(req.url ?? "");
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body ?? "");
  });
  await new Promise<void>((resolve) => box.server.listen(0, "127.0.0.1", resolve));
  box.url = `http://127.0.0.1:${(box.server.address() as AddressInfo).port}`;
  return box;
}

let a: Loopback;
let b: Loopback;
beforeAll(async () => {
  a = await loopback();
  b = await loopback();
  b.answer = () => ({ status: 200, body: "{}" });
});
afterAll(() => {
  a.server.close();
  b.server.close();
});
beforeEach(() => {
  a.requests.length = 0;
  b.requests.length = 0;
});

const TOKEN = "tok_cross_origin_4b1d9e";
const tokens = { string: TOKEN, function: () => TOKEN };

describe.each(providers)("$name never sends a request to another origin", (p) => {
  const auth = p.description.auth.type === "header" ? p.description.auth.name.toLowerCase() : "authorization";
  const mapped = (status: number) => p.description.adapter.redirects?.[String(status)] !== undefined;

  for (const [kind, token] of Object.entries(tokens)) {
    it(`answers 301/302/303/307/308 to the second server with a ResponseError, or the mapped state (${auth}, token ${kind})`, async () => {
      for (const status of [301, 302, 303, 307, 308]) {
        a.answer = (path) => ({ status, headers: { location: `${b.url}${path}` } });
        const client = p.createClient({ token, baseUrl: a.url });
        const outcome = await client.getOperation(p.validParams).catch((e: unknown) => e);
        if (mapped(status)) {
          expect(outcome).toMatchObject({ httpStatus: status, location: expect.stringContaining(b.url) });
        } else {
          expect(outcome).toBeInstanceOf(ResponseError);
          expect((outcome as Error).message).toContain(`to ${b.url},`);
        }
        // The typed openapi-fetch client obeys the same rule.
        const endpoint = p.description.endpoints[p.description.defaultEndpoint];
        const typed = client as unknown as { GET(path: string, init: unknown): Promise<{ response: Response }> };
        const raw = await typed.GET(endpoint?.path ?? "", { params: { path: p.validParams } }).catch((e: unknown) => e);
        if (mapped(status)) expect((raw as { response: Response }).response.status).toBe(status);
        else expect(raw).toBeInstanceOf(ResponseError);
      }
      expect(a.requests.length).toBe(10);
      expect(a.requests.every((r) => r.headers[auth]?.includes(TOKEN))).toBe(true);
      expect(b.requests).toEqual([]);
    });
  }

  it("follows a same-origin redirect (token re-sent to that origin only) and the facade refuses a foreign one", async () => {
    const example = JSON.stringify(p.examples[0]);
    a.answer = (path) =>
      path.startsWith("/moved/")
        ? { status: 200, body: example }
        : { status: 307, headers: { location: `/moved${path}` } };
    const client = p.createClient({ token: TOKEN, baseUrl: a.url });
    const snapshot = await client.getOperation(p.validParams);
    expect(snapshot.body).toEqual(p.examples[0]);
    expect(a.requests.map((r) => r.headers[auth]?.includes(TOKEN))).toEqual([true, true]);

    a.answer = (path) => ({ status: 302, headers: { location: `${b.url}${path}` } });
    const watcher = createWatcher({ providers: [register(p.module, { token: TOKEN, baseUrl: a.url })] });
    const ref = { provider: p.name, endpoint: p.description.defaultEndpoint, params: p.validParams, baseUrl: a.url };
    const error = await watcher.get(ref).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpwatchError);
    expect(b.requests).toEqual([]);
  });
});
