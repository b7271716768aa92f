// Which reads leave fetch for node:http once fetch has a global dispatcher: only with none set, or with the
// plain Agent Node's own fetch made for itself. Any other dispatcher (undici's npm package or Node's bundled
// Agent class, any option, a subclass, `.compose()`, a mock) is used, never silently bypassed.
import http, { type IncomingHttpHeaders } from "node:http";
import net, { type AddressInfo, type Socket } from "node:net";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createOperationReader } from "../src/index.js";
import { fetchIsNodeOwn } from "../src/transport-node.js";
import { acme } from "./acme.js";

const LEGACY = Symbol.for("undici.globalDispatcher.1");
const CURRENT = Symbol.for("undici.globalDispatcher.2");
const slots = globalThis as unknown as Record<symbol, unknown>;
const JOB = JSON.stringify({ id: "j1", state: "DONE" });

interface Dispatcher {
  close(): Promise<void>;
  compose(...interceptors: unknown[]): Dispatcher;
}
type AgentClass = new (options?: Record<string, unknown>) => Dispatcher;

let base = "";
const seen: IncomingHttpHeaders[] = [];
const server = http.createServer((req, res) => {
  seen.push(req.headers);
  res.writeHead(200, { "content-type": "application/json" }).end(JOB);
});
/** The Agent Node's fetch made for itself, and its class (Node's bundled undici). */
let nodeDefault: Dispatcher;
let NodeAgent: AgentClass;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Node's fetch, before anything else sets a dispatcher: its undici installs its default Agent.
  await (await fetch(`${base}/warm`)).text();
  nodeDefault = slots[LEGACY] as Dispatcher;
  NodeAgent = nodeDefault.constructor as AgentClass;
  return () => {
    server.closeAllConnections();
    server.close();
  };
});

const made: Dispatcher[] = [];
afterEach(async () => {
  slots[LEGACY] = nodeDefault;
  delete slots[CURRENT];
  vi.restoreAllMocks();
  for (const agent of made.splice(0)) await agent.close();
});

/** Makes `agent` fetch's global dispatcher (as undici's `setGlobalDispatcher` does). */
function install(agent: unknown, slot = LEGACY): void {
  slots[slot] = agent;
}

/** An Agent closed after the test. */
function closed<T extends Dispatcher>(agent: T): T {
  made.push(agent);
  return agent;
}

/** One read with the default transport: whether it went over node:http, and the headers the server saw. */
async function readOnce(): Promise<{ nodeHttp: boolean; headers: IncomingHttpHeaders | undefined }> {
  const request = vi.spyOn(http, "request");
  seen.length = 0;
  const read = createOperationReader(acme({ server: base }), { token: "secret-token-1a2b3c" });
  await expect(read.getOperation("j1")).resolves.toMatchObject({ body: { id: "j1" } });
  const nodeHttp = request.mock.calls.length > 0;
  request.mockRestore();
  return { nodeHttp, headers: seen[0] };
}

/** An undici `connect` function that counts the connections it opens. */
function countingConnect() {
  const counter = { count: 0 };
  const connect = (
    options: { hostname: string; port: string },
    callback: (...args: [null, Socket] | [Error, null]) => void,
  ) => {
    counter.count++;
    const socket = net.connect({ host: options.hostname, port: Number(options.port) });
    socket.once("connect", () => callback(null, socket)).once("error", (error) => callback(error, null));
  };
  return { counter, connect };
}

describe("reads go over node:http", () => {
  it("with no global dispatcher set", async () => {
    slots[LEGACY] = undefined;
    expect(fetchIsNodeOwn()).toBe(true);
    const { nodeHttp, headers } = await readOnce();
    expect(nodeHttp).toBe(true);
    expect(headers?.["sec-fetch-mode"]).toBeUndefined();
  });

  it("with the Agent Node's fetch made for itself, also after fetch used it", async () => {
    expect(nodeDefault.constructor.name).toBe("Agent");
    expect(fetchIsNodeOwn()).toBe(true);
    await (await fetch(`${base}/again`)).text();
    expect(slots[LEGACY]).toBe(nodeDefault);
    expect(fetchIsNodeOwn()).toBe(true);
    expect((await readOnce()).nodeHttp).toBe(true);
  });
});

describe("reads keep to fetch and its dispatcher", () => {
  it("with an npm undici Agent whose connect is a counting function", async () => {
    const undici = await import("undici");
    const { counter, connect } = countingConnect();
    install(closed(new undici.Agent({ connect })));
    expect(fetchIsNodeOwn()).toBe(false);
    const { nodeHttp, headers } = await readOnce();
    expect(nodeHttp).toBe(false);
    expect(counter.count).toBeGreaterThan(0);
    expect(headers?.["sec-fetch-mode"]).toBe("cors"); // undici's fetch sent it
  });

  it("with Node's own Agent class made with a counting connect function", async () => {
    const { counter, connect } = countingConnect();
    install(closed(new NodeAgent({ connect })));
    expect(fetchIsNodeOwn()).toBe(false);
    expect((await readOnce()).nodeHttp).toBe(false);
    expect(counter.count).toBeGreaterThan(0);
  });

  it("with any option, a subclass, a composed or patched default, npm undici's plain Agent or MockAgent", async () => {
    const undici = await import("undici");
    class Agent extends NodeAgent {}
    const patched = closed(new NodeAgent());
    Object.assign(patched, { dispatch: () => true });
    const others: [string, unknown][] = [
      ["a CA", closed(new NodeAgent({ connect: { ca: "-----BEGIN CERTIFICATE-----" } }))],
      ["keep-alive settings", closed(new NodeAgent({ keepAliveTimeout: 1_000 }))],
      ["connections", closed(new NodeAgent({ connections: 4 }))],
      ["a subclass", closed(new Agent())],
      ["an interceptor", nodeDefault.compose((dispatch: unknown) => dispatch)], // closing it closes the default
      ["a dispatch of its own", patched],
      ["npm undici's plain Agent", closed(new undici.Agent())],
      ["npm undici's MockAgent", closed(new undici.MockAgent())],
      ["npm undici's ProxyAgent", closed(new undici.ProxyAgent("http://127.0.0.1:9"))],
      ["something else", { dispatch: () => true }],
    ];
    const { prepareStackTrace, stackTraceLimit } = Error;
    for (const [what, dispatcher] of others) {
      install(dispatcher);
      expect([what, fetchIsNodeOwn()]).toEqual([what, false]);
    }
    // Telling Node's Agent class by its stack frames leaves Error's stack hooks as they were.
    expect([Error.prepareStackTrace, Error.stackTraceLimit]).toEqual([prepareStackTrace, stackTraceLimit]);
    // Node's own class with no option is the default's twin: nothing to lose.
    install(closed(new NodeAgent()));
    expect(fetchIsNodeOwn()).toBe(true);
  });

  it("with undici ≥ 8's slot holding anything but Node's default", () => {
    install(closed(new NodeAgent({ keepAliveTimeout: 1_000 })), CURRENT);
    expect(fetchIsNodeOwn()).toBe(false);
    slots[CURRENT] = nodeDefault;
    slots[LEGACY] = new (class Dispatcher1Wrapper {})();
    expect(fetchIsNodeOwn()).toBe(true);
    slots[LEGACY] = closed(new NodeAgent({ keepAliveTimeout: 1_000 }));
    expect(fetchIsNodeOwn()).toBe(false);
    slots[LEGACY] = null;
    expect(fetchIsNodeOwn()).toBe(false);
  });
});
