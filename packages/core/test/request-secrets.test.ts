// A request's errors mask the token it was sent with, however many newer tokens a token function minted
// meanwhile; a token across the 200-character cut of a server's text leaves no part behind; bad `now` and
// `headers` options are typed errors before any request.
import { describe, expect, it } from "vitest";
import { describedProvider } from "../src/described/index.js";
import {
  createOperationReader,
  createProviderClient,
  MAX_REMEMBERED_SECRETS,
  type OpwatchError,
  type ProviderDescription,
  ValidationError,
} from "../src/index.js";
import { acme } from "./acme.js";

const descriptions: ProviderDescription[] = [acme(), acme({ auth: { type: "header", name: "X-Auth-Token" } })];
const SECRET_PART = "5f4dcc3b5aa765d6";

describe.each(descriptions)("request secrets ($auth.type auth)", (description) => {
  const header = description.auth.type === "bearer" ? "authorization" : "x-auth-token";

  it("masks a request's own token after more than MAX_REMEMBERED_SECRETS newer ones were minted in flight", async () => {
    let minted = 0;
    const mint = () => `tok_${String(++minted).padStart(4, "0")}_${SECRET_PART}`;
    // The first request is answered last; every answer is a 400 that echoes the credential it got.
    const held: Array<() => void> = [];
    let first: ((value: Response) => void) | undefined;
    const echo = (input: RequestInfo | URL, init?: RequestInit) => {
      const sent = new Headers(input instanceof Request ? input.headers : init?.headers).get(header) ?? "";
      return new Response(JSON.stringify({ error: { message: `rejected credential ${sent}` } }), { status: 400 });
    };
    const fetch = (input: RequestInfo | URL, init?: RequestInit) =>
      new Promise<Response>((resolve) => {
        if (first === undefined) first = (r) => resolve(r);
        else resolve(echo(input, init));
        held.push(() => resolve(echo(input, init)));
      });
    const reader = createOperationReader(
      describedProvider(acme({ ...description, adapter: { errorBody: { message: "/error/message" } } } as never)),
      { token: mint, fetch },
    );
    const reads = Array.from({ length: MAX_REMEMBERED_SECRETS + 8 }, (_, i) =>
      reader.getOperation(`job-${i}`).catch((e: unknown) => e as OpwatchError),
    );
    const rest = await Promise.all(reads.slice(1));
    (held[0] as () => void)();
    const errors = [await reads[0], ...rest] as OpwatchError[];
    expect(minted).toBe(MAX_REMEMBERED_SECRETS + 8);
    for (const error of errors) {
      expect(error.httpStatus).toBe(400);
      expect(error.message).toContain("[REDACTED]");
      expect(error.message).not.toContain(SECRET_PART);
    }
  });

  it("leaves no part of a token that straddles the 200-character cut of the server's text", async () => {
    const token = `tok_${SECRET_PART}_${SECRET_PART}`;
    for (let pad = 100; pad < 200; pad += 3) {
      const fetch = async () =>
        new Response(JSON.stringify({ error: { message: `${"x".repeat(pad)} ${token} refused` } }), {
          status: 400,
        });
      const reader = createOperationReader(
        describedProvider(acme({ ...description, adapter: { errorBody: { message: "/error/message" } } } as never)),
        { token, fetch },
      );
      const error = (await reader.getOperation("j1").catch((e: unknown) => e)) as OpwatchError;
      expect(error.message).not.toContain(token.slice(0, 8));
    }
  });

  it("refuses a now read option that is not a function, before any request", async () => {
    let calls = 0;
    const fetch = async () => {
      calls++;
      return new Response(JSON.stringify({ id: "j1", state: "DONE" }));
    };
    const reader = createOperationReader(describedProvider(description), { token: "tok_good_123456", fetch });
    for (const now of [5, "x", null, {}]) {
      await expect(reader.getOperation("j1", { now } as never)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(calls).toBe(0);
    // A clock that answers NaN is read as absent: Retry-After still counts from the wall clock.
    const answered = createOperationReader(describedProvider(description), {
      token: "tok_good_123456",
      fetch: async () =>
        new Response(JSON.stringify({ id: "j1", state: "RUNNING" }), { headers: { "retry-after": "7" } }),
    });
    const snapshot = await answered.getOperation("j1", { now: () => Number.NaN });
    expect(snapshot.retryAfter).toBe(7);
  });

  it("refuses headers no HTTP request can carry, before any request, for the reader and the typed client", () => {
    const bad = [{ "x-trace": "abc\n" }, { "bad name": "x" }, { "x-num": 5 }, { "x-ctl": "a\u0001b" }, { "": "x" }];
    for (const headers of bad) {
      for (const make of [createOperationReader, createProviderClient]) {
        expect(() => make(describedProvider(description), { token: "tok_good_123456", headers } as never)).toThrow(
          ValidationError,
        );
      }
    }
    expect(() =>
      createOperationReader(describedProvider(description), { token: "t0k_good", headers: { "X-Trace-Id": "a b\tc" } }),
    ).not.toThrow();
  });
});
