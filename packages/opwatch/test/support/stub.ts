// Bentley answers made on the fly, for fake-clock tests that need no server.
import { bentley } from "@opwatch/bentley";
import { createWatcher, register, type WatcherOptions } from "../../src/index.js";
import type { FakeClock } from "./fake-clock.js";

export const OP_URL =
  "https://api.bentley.com/schedules/2f9a3c1e-6b2d-4d8e-9f10-7a5b4c3d2e1f/operations/bdc8fb5d-ce72-42f9-8818-bb2942927428";

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

export interface Recorded {
  at: number;
  url: string;
  headers: Headers;
  signal: AbortSignal | undefined;
}

/** A watcher on a fake clock whose fetch is `answer`; every request is recorded with its fake time. */
export function stubWatcher(
  clock: FakeClock,
  answer: (request: Recorded, index: number) => Response | Promise<Response>,
  options: Partial<WatcherOptions> = {},
) {
  const requests: Recorded[] = [];
  const fetch = async (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const recorded = {
      at: clock.now(),
      url: request.url,
      headers: request.headers,
      signal: init?.signal ?? request.signal,
    };
    requests.push(recorded);
    return answer(recorded, requests.length - 1);
  };
  const watcher = createWatcher({
    providers: [register(bentley, { token: "tok_stub_0123456789", fetch })],
    clock,
    ...options,
  });
  return { watcher, requests };
}
