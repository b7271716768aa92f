// Which reads leave fetch for node:http: only while fetch's global dispatcher is the one Node's fetch made
// for itself when @opwatch/core was loaded. Any dispatcher set since (undici's npm package or Node's bundled
// Agent class, with or without options, a subclass, `.compose()`, a mock, a proxy) is used, never silently
// bypassed; so is one set before @opwatch/core was loaded, which cannot be told from Node's own.
import { spawnSync } from "node:child_process";
import http, { type IncomingHttpHeaders } from "node:http";
import net, { type AddressInfo, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { describedProvider } from "../src/described/index.js";
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
  const read = createOperationReader(describedProvider(acme({ server: base })), { token: "secret-token-1a2b3c" });
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
  it("with the dispatcher Node's fetch made for itself at load, also after fetch used it", async () => {
    expect(nodeDefault.constructor.name).toBe("Agent");
    expect(fetchIsNodeOwn()).toBe(true);
    await (await fetch(`${base}/again`)).text();
    expect(slots[LEGACY]).toBe(nodeDefault);
    expect(fetchIsNodeOwn()).toBe(true);
    const { nodeHttp, headers } = await readOnce();
    expect(nodeHttp).toBe(true);
    expect(headers?.["sec-fetch-mode"]).toBeUndefined();
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

  it("with any dispatcher set since load, Node's own class with no option included; the default back, node:http again", async () => {
    const undici = await import("undici");
    class Agent extends NodeAgent {}
    const others: [string, unknown][] = [
      ["a CA", closed(new NodeAgent({ connect: { ca: "-----BEGIN CERTIFICATE-----" } }))],
      ["keep-alive settings", closed(new NodeAgent({ keepAliveTimeout: 1_000 }))],
      ["Node's Agent class with no option", closed(new NodeAgent())],
      ["a subclass", closed(new Agent())],
      ["an interceptor", nodeDefault.compose((dispatch: unknown) => dispatch)], // closing it closes the default
      ["npm undici's plain Agent", closed(new undici.Agent())],
      ["npm undici's MockAgent", closed(new undici.MockAgent())],
      ["npm undici's ProxyAgent", closed(new undici.ProxyAgent("http://127.0.0.1:9"))],
      ["something else", { dispatch: () => true }],
      ["nothing (a slot emptied)", undefined],
    ];
    for (const [what, dispatcher] of others) {
      install(dispatcher);
      expect([what, fetchIsNodeOwn()]).toEqual([what, false]);
    }
    install(nodeDefault);
    expect(fetchIsNodeOwn()).toBe(true);
  });

  it("with undici ≥ 8's slot holding anything", () => {
    install(closed(new NodeAgent({ keepAliveTimeout: 1_000 })), CURRENT);
    expect(fetchIsNodeOwn()).toBe(false);
    slots[CURRENT] = nodeDefault;
    expect(fetchIsNodeOwn()).toBe(false);
    delete slots[CURRENT];
    expect(fetchIsNodeOwn()).toBe(true);
  });

  it("with a dispatcher set before @opwatch/core was loaded, even Node's own", () => {
    const transport = fileURLToPath(new URL("../dist/transport-node.js", import.meta.url));
    const verdict = (before: string) =>
      spawnSync(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `${before}; const m = await import(${JSON.stringify(transport)}); console.log(m.fetchIsNodeOwn());`,
        ],
        { encoding: "utf8", env: { ...process.env, NODE_USE_ENV_PROXY: "" } },
      ).stdout.trim();
    expect(verdict("")).toBe("true");
    expect(verdict("new Headers()")).toBe("false"); // Node's own default, made before: unprovable
    expect(verdict("globalThis[Symbol.for('undici.globalDispatcher.1')] = { dispatch() {} }")).toBe("false");
  });
});
