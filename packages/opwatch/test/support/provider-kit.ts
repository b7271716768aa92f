// The stub kit: any of the four providers on a fake clock, answered by a stub fetch (no server) that records
// every request on the clock's time, with the bodies of the fixtures (spec examples), a way to set their
// creation time and progress, and Bentley answers made on the fly.
import { bentley } from "@opwatch/bentley";
import { ecl } from "@opwatch/ecl";
import { keycard } from "@opwatch/keycard";
import { sourcecraft } from "@opwatch/sourcecraft";
import type { ScriptStep } from "@opwatch/testkit";
import {
  createWatcher,
  type ProviderModule,
  type ProviderRegistration,
  register,
  type WatcherOptions,
} from "../../src/index.js";
import type { FakeClock } from "./fake-clock.js";
import { fixtures, type ProviderFixture, TOKEN } from "./fixtures.js";

export const BASE = "https://ops.provider.example";

/** Where each provider keeps its creation time, and how it writes one. */
const created: Record<string, { path: string[]; format(ms: number): string }> = {
  sourcecraft: { path: ["created_at"], format: (ms) => new Date(ms).toISOString() },
  keycard: { path: ["created_at"], format: (ms) => new Date(ms).toISOString() },
  bentley: { path: ["operation", "createdAt"], format: (ms) => new Date(ms).toISOString() },
  // ECL's zone-less UTC form.
  ecl: {
    path: ["operation", "reception_datetime"],
    format: (ms) => new Date(ms).toISOString().slice(0, 19).replace("T", " "),
  },
};

/** A copy of `step`'s body with its creation time set to `ms` (whole seconds). */
export function createdAt(fixture: ProviderFixture, step: ScriptStep, ms: number): ScriptStep {
  if (step.body === undefined) return step; // Keycard's 303
  const body = structuredClone(step.body) as Record<string, unknown>;
  const where = created[fixture.name] as { path: string[]; format(ms: number): string };
  let node = body;
  for (const key of where.path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[where.path.at(-1) as string] = where.format(ms);
  return { ...step, body };
}

/** A Bentley-shaped copy of `step` with `percentComplete` set. */
export function percent(step: ScriptStep, value: number | null): ScriptStep {
  const body = structuredClone(step.body) as { operation: Record<string, unknown> };
  body.operation.percentComplete = value;
  return { ...step, body };
}

export function toResponse(step: ScriptStep): Response {
  const headers: Record<string, string> = { ...step.headers };
  if (step.body !== undefined) headers["content-type"] ??= "application/json";
  const body = step.body === undefined || step.status === 304 ? null : JSON.stringify(step.body);
  return new Response(body, { status: step.status, headers });
}

export interface Sent {
  at: number;
  url: string;
  headers: Headers;
  signal: AbortSignal | undefined;
}

export type Answer = (request: Sent, index: number) => ScriptStep | Response | Promise<ScriptStep | Response>;

/** A fetch that records each request (on `clock`'s time) and answers with `answer`. `signal` is the one
 * the caller passed (the request's own when it came inside a Request), `undefined` for none. */
export function stubFetch(clock: { now(): number }, answer: Answer) {
  const sent: Sent[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined);
    const record = { at: clock.now(), url: request.url, headers: request.headers, signal };
    sent.push(record);
    const out = await answer(record, sent.length - 1);
    return out instanceof Response ? out : toResponse(out);
  };
  return { fetch: fetch as typeof globalThis.fetch, sent };
}

const modules = { sourcecraft, keycard, bentley, ecl } as Record<string, ProviderModule<object>>;

/** One provider's registration at `baseUrl` with a stub fetch. */
export function registerStub(
  fixture: ProviderFixture,
  fetch: typeof globalThis.fetch,
  token: string | (() => Promise<string>) = TOKEN,
  baseUrl = BASE,
): ProviderRegistration {
  return register(modules[fixture.name] as ProviderModule<object>, { token, baseUrl, fetch });
}

/** A watcher for `fixture` on `clock`, its fetch answered by `answer`. */
export function providerWatcher(
  fixture: ProviderFixture,
  clock: FakeClock,
  answer: Answer,
  options: Partial<WatcherOptions> & { token?: string | (() => Promise<string>) } = {},
) {
  const { fetch, sent } = stubFetch(clock, answer);
  const { token, ...watcherOptions } = options;
  const watcher = createWatcher({ providers: [registerStub(fixture, fetch, token)], clock, ...watcherOptions });
  return { watcher, sent, url: `${BASE}${fixture.path}` };
}

export { fixtures, type ProviderFixture, TOKEN };

export const OP_URL =
  "https://api.bentley.com/schedules/2f9a3c1e-6b2d-4d8e-9f10-7a5b4c3d2e1f/operations/bdc8fb5d-ce72-42f9-8818-bb2942927428";

/** A Bentley body with `status`, `percent` and creation (and update) time `createdAt`. */
export function bentleyBody(status: string, percent: number | null, createdAt: Date): string {
  return JSON.stringify({
    operation: {
      id: "bdc8fb5d-ce72-42f9-8818-bb2942927428",
      createdAt: createdAt.toISOString(),
      updatedAt: createdAt.toISOString(),
      status,
      subStatus: null,
      percentComplete: percent,
      failureDescription: null,
    },
  });
}

export const json = (body: string, status = 200, headers: Record<string, string> = {}) =>
  new Response(body, { status, headers: { "content-type": "application/json", ...headers } });

/** A Bentley watcher (at its published base URL) on a fake clock whose fetch is `answer`. */
export function stubWatcher(
  clock: FakeClock,
  answer: (request: Sent, index: number) => Response | Promise<Response>,
  options: Partial<WatcherOptions> = {},
) {
  const { fetch, sent } = stubFetch(clock, answer);
  const watcher = createWatcher({
    providers: [register(bentley, { token: "tok_stub_0123456789", fetch })],
    clock,
    ...options,
  });
  return { watcher, requests: sent };
}
