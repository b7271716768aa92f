// The loopback stand-in for the load runs (a child process): Bentley-shaped operations whose duration is
// the last part of their id (ms), counted from their first read. Counts connections and requests; the
// parent asks for the counts (and resets them) over IPC.
import { createServer } from "node:http";

const started = new Map();
let connections = 0;
let requests = 0;
const headers = { "content-type": "application/vnd.bentley.itwin-platform.v1+json" };

const server = createServer((req, res) => {
  requests++;
  const match = /^\/schedules\/[^/]+\/operations\/([^/?]+)$/.exec(req.url ?? "");
  if (!match) {
    res.writeHead(404, headers).end('{"error":{"code":"NotFound","message":"no such operation"}}');
    return;
  }
  const id = match[1];
  const now = Date.now();
  let t0 = started.get(id);
  if (t0 === undefined) {
    t0 = now;
    started.set(id, t0);
  }
  const duration = Number(id.slice(id.lastIndexOf("-") + 1));
  const done = now - t0 >= duration;
  const created = new Date(t0).toISOString(); // the operation starts with its first read
  res.writeHead(200, headers).end(
    JSON.stringify({
      operation: {
        id,
        createdAt: created,
        updatedAt: created,
        status: done ? "Succeeded" : "Started",
        subStatus: null,
        percentComplete: null,
        failureDescription: null,
      },
    }),
  );
});
server.keepAliveTimeout = 60_000;
server.on("connection", () => {
  connections++;
});
server.listen(0, "127.0.0.1", () => {
  process.send?.({ port: server.address().port });
});
process.on("message", (message) => {
  if (message === "stats") process.send?.({ connections, requests });
  if (message === "reset") {
    connections = 0;
    requests = 0;
    started.clear();
    process.send?.({ reset: true });
  }
  if (message === "stop") server.close(() => process.exit(0));
});
