// One fuzzed exchange: an in-process fetch answers as the arbitraries say, and the client's outcome is checked.
import { OpwatchError, ValidationError } from "@opwatch/core";
import { createWatcher, register } from "opwatch";
import type { Body } from "./arbitraries.js";
import type { ProviderCase } from "./providers.js";

export const BASE_URL = "https://fuzz.opwatch.test/api";
export const TOKEN = "tok_fuzz_8c1f2e9a7b";
const STATES = new Set(["queued", "running", "succeeded", "failed", "canceled", "unknown"]);

export interface Exchange {
  via: "client" | "facade";
  params: unknown;
  status: number;
  body: Body;
  headers: Record<string, string>;
  fault: "none" | "reject" | "body-error" | "hang" | "deadline";
  ifNoneMatch: string | undefined;
}

function respond(x: Exchange): Response {
  const empty = x.status === 204 || x.status === 304 || x.body.kind === "none";
  if (x.fault === "body-error") {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"id":'));
        controller.error(new TypeError("terminated"));
      },
    });
    return new Response(stream, { status: x.status === 204 || x.status === 304 ? 200 : x.status, headers: x.headers });
  }
  const body = empty
    ? null
    : x.body.kind === "text"
      ? x.body.text
      : (new Uint8Array((x.body as { bytes: Uint8Array }).bytes) as Uint8Array<ArrayBuffer>);
  return new Response(body, { status: x.status, headers: x.headers });
}

/**
 * Runs one exchange and throws (failing the property) unless the outcome is a normalized status or a
 * typed `OpwatchError` that keeps the token out and was raised, for bad input, before any request.
 */
export async function check(p: ProviderCase, x: Exchange): Promise<void> {
  const urls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    urls.push(String(input instanceof Request ? input.url : input));
    if (x.fault === "reject") throw new TypeError("fetch failed", { cause: new Error(`ECONNRESET ${TOKEN}`) });
    if (x.fault === "hang" || x.fault === "deadline") {
      return new Promise((_, reject) => init?.signal?.addEventListener("abort", () => reject(init.signal?.reason)));
    }
    return respond(x);
  };
  const options = { token: TOKEN, baseUrl: BASE_URL, fetch, timeoutMs: 40 };
  try {
    if (x.via === "facade") {
      const watcher = createWatcher({ providers: [register(p.module, options)] });
      const ref = { provider: p.name, endpoint: p.description.defaultEndpoint, params: x.params, baseUrl: BASE_URL };
      const status = await watcher.get(ref as never);
      if (!STATES.has(status.state)) throw new Error(`unknown state ${status.state}`);
    } else {
      const client = p.createClient(options);
      const deadline = x.fault === "deadline" ? Date.now() + 5 : undefined;
      const snapshot = await client.getOperation(x.params as never, { ifNoneMatch: x.ifNoneMatch, deadline });
      const status = p.module.toStatus(snapshot, client.baseUrl);
      if (!STATES.has(status.state)) throw new Error(`unknown state ${status.state}`);
      JSON.stringify(status);
    }
  } catch (error) {
    if (!(error instanceof OpwatchError)) {
      throw new Error(`untyped failure: ${error instanceof Error ? error.stack : String(error)}`);
    }
    if (typeof error.message !== "string" || error.message === "") throw new Error("an error without a message");
    if (`${error.message}${JSON.stringify(error)}${error.stack}`.includes(TOKEN))
      throw new Error(`token leaked: ${error.message}`);
    if (error instanceof ValidationError && urls.length > 0)
      throw new Error(`ValidationError after a request: ${error.message}`);
  }
  const origin = new URL(BASE_URL).origin;
  for (const url of urls) {
    if (new URL(url).origin !== origin) throw new Error(`a request left the base URL's origin: ${url}`);
  }
}
