// the typed client (createProviderClient, each package's createClient) holds the
// timeoutMs option like getOperation does: a server that never answers does not hang a typed GET.
import { createServer, type Server } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describedProvider } from "../src/described/index.js";
import { createProviderClient, NetworkError } from "../src/index.js";
import { acme } from "./acme.js";

const TOKEN = "tok_typed_timeout_8sK2";
let server: Server;
let base: string;
const sockets = new Set<Socket>();
beforeAll(async () => {
  server = createServer(() => undefined); // never answers
  server.on("connection", (socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  await new Promise((resolve) => server.close(resolve));
});

type Typed = { GET(path: string, init: unknown): Promise<unknown> };
const get = (client: unknown, init: Record<string, unknown> = {}) =>
  (client as Typed).GET("/jobs/{job}", { params: { path: { job: "j1" } }, ...init });

/** The outcome of `work`, or "pending" when it has not settled after `ms`. */
const within = async (work: Promise<unknown>, ms: number) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      work.then(
        () => "resolved",
        (e: unknown) => e,
      ),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve("pending"), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
};

describe("the typed client's timeoutMs", () => {
  it("cuts a typed GET to a server that never answers with a NetworkError naming timeoutMs", async () => {
    for (const fetch of [undefined, (input: RequestInfo | URL, init?: RequestInit) => globalThis.fetch(input, init)]) {
      const client = createProviderClient(describedProvider(acme()), {
        token: TOKEN,
        baseUrl: base,
        timeoutMs: 100,
        ...(fetch ? { fetch } : {}),
      });
      const outcome = await within(get(client), 3_000);
      expect(outcome).toBeInstanceOf(NetworkError);
      expect((outcome as Error).message).toMatch(/timed out after 100 ms.*timeoutMs option/);
      expect(JSON.stringify(outcome)).not.toContain(TOKEN);
    }
  });

  it("still honours the caller's own signal", async () => {
    const client = createProviderClient(describedProvider(acme()), { token: TOKEN, baseUrl: base, timeoutMs: 60_000 });
    const controller = new AbortController();
    const pending = within(get(client, { signal: controller.signal }), 3_000);
    setTimeout(() => controller.abort(), 50);
    const outcome = await pending;
    expect(outcome).not.toBe("pending");
    expect(outcome).toBeInstanceOf(Error);
  });

  it("still cuts at timeoutMs in a runtime without AbortSignal.any (older browsers)", async () => {
    const any = AbortSignal.any;
    Reflect.deleteProperty(AbortSignal, "any");
    try {
      const client = createProviderClient(describedProvider(acme()), { token: TOKEN, baseUrl: base, timeoutMs: 100 });
      const outcome = await within(get(client), 3_000);
      expect(outcome).toBeInstanceOf(NetworkError);
      expect((outcome as Error).message).toMatch(/timed out after 100 ms/);
    } finally {
      AbortSignal.any = any;
    }
  });
});
