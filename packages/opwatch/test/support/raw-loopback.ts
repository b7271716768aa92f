// Raw loopback servers for the loopback tests: any answer (off-spec on purpose: redirects, trickles, hangs),
// every request recorded. Bound to 127.0.0.1 only; `localhost` on the same port is another origin.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { inspect } from "node:util";
import type { ProviderFixture } from "./fixtures.js";

export interface Loopback {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  readonly port: number;
  readonly requests: { url: string; headers: IncomingMessage["headers"] }[];
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  close(): Promise<void>;
}

export async function loopback(handle: Loopback["handle"] = (_q, res) => res.end()): Promise<Loopback> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    box.requests.push({ url: req.url ?? "", headers: req.headers });
    box.handle(req, res);
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  const box: Loopback = {
    url: `http://127.0.0.1:${port}`,
    port,
    requests: [],
    handle,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return box;
}

/** Sends `status` with a JSON body. */
export function send(res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(body === undefined ? "" : JSON.stringify(body));
}

/** Everything a user or a logger could print of an error, its cause chain included. */
export function everything(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && e !== null && depth < 10; depth++) {
    const err = e as Error;
    parts.push(String(err), String(err.message), String(err.stack), JSON.stringify(err) ?? "");
    parts.push(inspect(err, { depth: 10 }), inspect(err, { depth: 10, customInspect: false, showHidden: true }));
    e = err.cause;
  }
  return parts.join("\n");
}

/** A copy of `body` with `value` at the JSON pointer (intermediate objects created). */
export function withValue(body: unknown, pointer: string, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string, unknown>;
  const keys = pointer.split("/").slice(1);
  let node = copy;
  for (const key of keys.slice(0, -1)) {
    if (node[key] === null || typeof node[key] !== "object") node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys.at(-1) as string] = value;
  return copy;
}

/** The fixture's body for one step (`failed`, `running`…). */
export const bodyOf = (fixture: ProviderFixture, step: "failed" | "running" | "unknown"): unknown => fixture[step].body;
