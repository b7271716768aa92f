// for every provider the CLI knows, a token the server echoes
// never reaches the CLI's output (plain, --json, --debug), a redirect off the base URL reaches nobody, and
// --timeout holds against a server that never answers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { examplesOf } from "@opwatch/testkit";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EXIT } from "../src/index.js";
import { fast, runCli } from "./helpers.js";

const TOKEN = "tok_cli_audit_Zx81Qw3e";
const UUID = "75aab8db-8632-42b4-af2f-06b5820798ef";
const ex = (spec: string, op: string) => examplesOf(spec, op, "200");
const providers = [
  {
    name: "sourcecraft",
    path: "/operations/secrets/id:op1",
    failed: ex("sourcecraft", "getSecretOperation").failed,
    message: ["error", "message"],
  },
  {
    name: "keycard",
    path: "/zones/z1/catalog_tasks/t1",
    failed: ex("keycard", "getCatalogTask").failed,
    message: ["error_message"],
  },
  {
    name: "bentley",
    path: `/schedules/s1/operations/${UUID}`,
    failed: ex("bentley", "getScheduleOperation").failed,
    message: ["operation", "failureDescription"],
  },
  {
    name: "ecl",
    path: `/v1.0/operations/${UUID}`,
    failed: ex("ecl", "getOperation").error,
    message: ["operation", "error"],
  },
];

interface Box {
  server: Server;
  url: string;
  requests: string[];
  handle: (req: IncomingMessage, res: ServerResponse) => void;
  sockets: Set<Socket>;
}
async function start(): Promise<Box> {
  const box = { requests: [], sockets: new Set(), handle: () => undefined } as unknown as Box;
  box.server = createServer((req, res) => {
    box.requests.push(req.url ?? "");
    box.handle(req, res);
  });
  box.server.on("connection", (socket) => box.sockets.add(socket));
  await new Promise<void>((resolve) => box.server.listen(0, "127.0.0.1", resolve));
  box.url = `http://127.0.0.1:${(box.server.address() as AddressInfo).port}`;
  return box;
}
const stop = async (box: Box) => {
  for (const socket of box.sockets) socket.destroy();
  await new Promise((resolve) => box.server.close(resolve));
};
const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};
const withMessage = (body: unknown, keys: string[], text: string) => {
  const copy = structuredClone(body) as Record<string, unknown>;
  let node = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys.at(-1) as string] = text;
  return copy;
};

let a: Box;
let b: Box;
beforeAll(async () => {
  a = await start();
  b = await start();
  b.handle = (_req, res) => json(res, 200, {});
});
afterAll(async () => {
  await stop(a);
  await stop(b);
});
beforeEach(() => {
  a.requests.length = 0;
  b.requests.length = 0;
});

describe.each(providers)("opwatch CLI, $name", (p) => {
  const NAME = p.name.toUpperCase();
  const env = () => ({ [`${NAME}_TOKEN`]: TOKEN, [`${NAME}_BASE_URL`]: a.url });
  const all = (ran: { out: string[]; err: string[] }) => [...ran.out, ...ran.err].join("\n");

  it("keeps an echoed token out of every output mode (failed operation, 401, 503)", async () => {
    for (const mode of [[], ["--json"], ["--debug"], ["--quiet"]]) {
      a.handle = (_req, res) => json(res, 200, withMessage(p.failed, p.message, `token ${TOKEN} revoked.`));
      const failed = await runCli(["wait", `${a.url}${p.path}`, ...fast, ...mode], { env: env() });
      expect(failed.code, mode.join()).toBe(EXIT.failed);
      expect(all(failed)).not.toContain(TOKEN);
      // Masked, not dropped: the failure text still shows, with the token replaced.
      expect(all(failed), mode.join()).toContain("[REDACTED] revoked");
      const got = await runCli(["get", `${a.url}${p.path}`, ...mode], { env: env() });
      expect(all(got)).not.toContain(TOKEN);

      const echo = {
        message: TOKEN,
        cause: TOKEN,
        code: TOKEN,
        request_id: TOKEN,
        error: { code: TOKEN, message: TOKEN },
      };
      for (const status of [401, 503]) {
        a.handle = (_req, res) => json(res, status, echo, { "x-request-id": TOKEN, "retry-after": "0" });
        const ran = await runCli(["wait", `${a.url}${p.path}`, ...fast, "--max-failures", "2", ...mode], {
          env: env(),
        });
        expect(ran.code, `${status} ${mode.join()}`).toBe(status === 401 ? EXIT.auth : EXIT.error);
        expect(all(ran)).not.toContain(TOKEN);
      }
    }
  });

  it("a redirect to another origin reaches nobody, with or without --debug", async () => {
    for (const mode of [[], ["--debug"]]) {
      for (const status of [301, 302, 307, 308]) {
        a.handle = (_req, res) => json(res, status, {}, { location: `${b.url}${p.path}` });
        const ran = await runCli(["wait", `${a.url}${p.path}`, ...fast, ...mode], { env: env() });
        expect(ran.code).not.toBe(EXIT.ok);
        expect(all(ran)).not.toContain(TOKEN);
      }
    }
    expect(b.requests).toEqual([]);
  });

  it("--timeout holds against a server that never answers (exit 2, resume command)", async () => {
    a.handle = () => undefined;
    const started = Date.now();
    const ran = await runCli(["wait", `${a.url}${p.path}`, "--timeout", "300ms"], { env: env() });
    expect(ran.code).toBe(EXIT.timeout);
    expect(all(ran)).toMatch(/resume with: opwatch wait/);
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
