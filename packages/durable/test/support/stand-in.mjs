// @ts-check
// A loopback stand-in for SourceCraft's operation endpoint (GET /operations/secrets/id:{operation_id}),
// answering with the spec's own examples, for the durable tests, the demo and the bench. Each operation
// is added with the instant it finishes; the stand-in can push back (429 + Retry-After), hold a request
// unanswered (to kill a worker in the middle of a read), and slow every answer down. An operation id
// of the form `after-<ms>-<final>-<n>` needs no adding: it finishes <ms> after its first request (for the
// bench, where the stand-in runs in a process of its own: `node stand-in.mjs` prints its URL and, asked
// over IPC, says how many requests it served and when each operation was first read).
import { createServer } from "node:http";
import { examplesOf } from "@opwatch/testkit";

const examples = /** @type {Record<string, Record<string, unknown>>} */ (
  examplesOf("sourcecraft", "getSecretOperation", "200")
);
const PATH = /^\/operations\/secrets\/id:([^/?]+)$/;
const TIMED = /^after-(\d+)-(success|failed|cancel)-\d+$/;

/**
 * @typedef {"success" | "failed" | "cancel"} Final
 * @typedef {{ doneAt: number, final: Final, requests: number[] }} StandInOperation
 * @typedef {{ id: string, at: number, authorization: string | undefined }} StandInRequest
 * @typedef {{
 *   url: string,
 *   operations: Map<string, StandInOperation>,
 *   requests: StandInRequest[],
 *   add(id: string, doneAt: number, final?: Final): void,
 *   statusUrl(id: string): string,
 *   pushBack(seconds: number): void,
 *   hold(predicate: ((id: string, index: number) => boolean) | undefined): void,
 *   release(): void,
 *   readonly maxInFlight: number,
 *   stop(): Promise<void>,
 * }} StandIn
 */

/**
 * @param {{ latencyMs?: number, onHold?: (id: string) => void }} [options]
 * @returns {Promise<StandIn>}
 */
export async function startStandIn(options = {}) {
  /** @type {Map<string, StandInOperation>} */
  const operations = new Map();
  /** @type {StandInRequest[]} */
  const requests = [];
  let pushedUntil = 0;
  /** @type {((id: string, index: number) => boolean) | undefined} */
  let holdIf;
  /** @type {import("node:http").ServerResponse[]} */
  const held = [];
  let inFlight = 0;
  let maxInFlight = 0;

  const server = createServer((req, res) => {
    const now = Date.now();
    const match = PATH.exec(req.url ?? "");
    const id = match ? decodeURIComponent(match[1] ?? "") : "";
    const index = requests.push({ id, at: now, authorization: req.headers.authorization }) - 1;
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on("close", () => {
      inFlight -= 1;
    });
    if (holdIf?.(id, index)) {
      held.push(res);
      options.onHold?.(id);
      return;
    }
    const answer = () => {
      const timed = operations.has(id) ? null : TIMED.exec(id);
      if (timed)
        operations.set(id, { doneAt: now + Number(timed[1]), final: /** @type {Final} */ (timed[2]), requests: [] });
      const operation = operations.get(id);
      if (!operation) {
        return send(res, 404, {
          error_code: "not_found",
          message: "Operation not found.",
          details: { operation_id: id },
        });
      }
      operation.requests.push(now);
      if (now < pushedUntil) {
        const seconds = Math.ceil((pushedUntil - now) / 1000);
        return send(
          res,
          429,
          { error_code: "rate_limited", message: "Too many requests." },
          { "Retry-After": `${seconds}` },
        );
      }
      const example = now >= operation.doneAt ? operation.final : "in_progress";
      send(res, 200, { ...examples[example], operation_id: id, status_url: statusUrl(id) });
    };
    if (options.latencyMs) setTimeout(answer, options.latencyMs);
    else answer();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(undefined)));
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
  /** @param {string} id */
  const statusUrl = (id) => `${url}/operations/secrets/id:${id}`;
  return {
    url,
    operations,
    requests,
    add(id, doneAt, final = "success") {
      operations.set(id, { doneAt, final, requests: [] });
    },
    statusUrl,
    pushBack(seconds) {
      pushedUntil = Date.now() + seconds * 1000;
    },
    hold(predicate) {
      holdIf = predicate;
    },
    release() {
      for (const res of held.splice(0)) res.destroy();
    },
    get maxInFlight() {
      return maxInFlight;
    },
    stop: () =>
      new Promise((resolve) => {
        for (const res of held.splice(0)) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * @param {import("node:http").ServerResponse} res
 * @param {number} status
 * @param {unknown} body
 * @param {Record<string, string>} [headers]
 */
function send(res, status, body, headers = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  const standIn = await startStandIn();
  process.on("message", (message) => {
    if (message === "count") {
      const doneAt = Object.fromEntries([...standIn.operations].map(([id, operation]) => [id, operation.doneAt]));
      process.send?.({ requests: standIn.requests.length, doneAt });
    }
    if (message === "reset") {
      standIn.requests.length = 0;
      standIn.operations.clear();
    }
  });
  process.once("SIGTERM", () => standIn.stop().then(() => process.exit(0)));
  process.stdout.write(`${JSON.stringify({ url: standIn.url })}\n`);
}
