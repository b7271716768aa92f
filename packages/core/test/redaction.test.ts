import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { describedProvider } from "../src/described/index.js";
import {
  createOperationReader,
  MAX_REMEMBERED_SECRETS,
  NetworkError,
  OperationFailedError,
  type OpwatchError,
  type ProviderDescription,
  rememberSecret,
  setUpClient,
  TimeoutError,
} from "../src/index.js";
import { acme } from "./acme.js";

const TOKEN = "tok_live_5f4dcc3b5aa765d61d8327deb882cf99";

function description(auth: ProviderDescription["auth"]): ProviderDescription {
  return acme({
    auth,
    adapter: { errorBody: { code: "/error/code", message: "/error/message", requestId: "/error/request_id" } },
  });
}

/** Everything a user or a logger could print of an error, its cause chain included. */
function everything(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 10; depth++) {
    const err = e as Error;
    parts.push(
      String(err),
      String(err.message),
      String(err.stack),
      JSON.stringify(err) ?? "",
      inspect(err, { depth: 10 }),
    );
    parts.push(inspect(err, { depth: 10, customInspect: false }));
    e = err.cause;
  }
  return parts.join("\n");
}

describe("redaction", () => {
  for (const auth of [{ type: "bearer" }, { type: "header", name: "X-Auth-Token" }] as const) {
    it(`keeps an echoed ${auth.type} token out of every field, for 401, 404, 429, 500 and 400`, async () => {
      for (const status of [401, 404, 429, 500, 400]) {
        const body = {
          error: {
            code: `bad_${TOKEN}`,
            message: `token ${TOKEN} refused.`,
            request_id: `req-${TOKEN}`,
            details: [{ field: "authorization", value: { nested: `Bearer ${TOKEN}` } }],
          },
        };
        for (const token of [TOKEN, () => TOKEN]) {
          const reader = createOperationReader(describedProvider(description(auth)), {
            token,
            fetch: async () =>
              new Response(JSON.stringify(body), { status, headers: { "x-request-id": TOKEN, "retry-after": "1" } }),
          });
          const error = (await reader.getOperation("j1").catch((e: unknown) => e)) as OpwatchError;
          expect(error.httpStatus).toBe(status);
          expect(everything(error)).not.toContain(TOKEN);
          expect(error.code).toBe("bad_[REDACTED]");
          expect(error.requestId).toBe("req-[REDACTED]");
        }
      }
    });
  }

  it("masks the whole cause chain: messages, string fields and nested causes", async () => {
    const inner = Object.assign(new Error(`socket for ${TOKEN} closed`), { code: `E_${TOKEN}` });
    const outer = new TypeError(`fetch failed for ${TOKEN}`, { cause: inner });
    const reader = createOperationReader(describedProvider(description({ type: "bearer" })), {
      token: TOKEN,
      fetch: async () => {
        throw outer;
      },
    });
    const error = await reader.getOperation("j1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(everything(error)).not.toContain(TOKEN);
    const cause = (error as Error).cause as Error;
    expect(cause.message).toBe("fetch failed for [REDACTED]");
    expect((cause.cause as { code: string }).code).toBe("E_[REDACTED]");
  });

  it("masks a status a TimeoutError or OperationFailedError carries", () => {
    const status = { id: "j1", error: { message: `denied for ${TOKEN}` }, when: new Date(0) };
    for (const error of [
      new TimeoutError("t", status, { secrets: [TOKEN] }),
      new OperationFailedError("f", status, { secrets: [TOKEN] }),
    ]) {
      expect(everything(error)).not.toContain(TOKEN);
      const kept = error instanceof TimeoutError ? error.lastStatus : (error as OperationFailedError).finalStatus;
      expect(kept).toEqual({ id: "j1", error: { message: "denied for [REDACTED]" }, when: new Date(0) });
    }
  });

  it("remembers the newest tokens of a token function that mints one per request, up to a bound", async () => {
    let minted = 0;
    const mint = () => `tok_minted_${String(++minted).padStart(6, "0")}_5aa765d61d8327`;
    const seen: string[] = [];
    const setup = setUpClient(describedProvider(description({ type: "bearer" })), {
      token: mint,
      fetch: async () => new Response("{}"),
    });
    for (let i = 0; i < 200; i++) {
      const value = await setup.authValue();
      seen.push(value.slice("Bearer ".length));
    }
    expect(setup.secrets).toEqual(seen.slice(-MAX_REMEMBERED_SECRETS));

    // The newest token is still masked in an error made with the client's secrets.
    const newest = seen.at(-1) as string;
    const error = new NetworkError(`refused ${newest}`, { secrets: setup.secrets });
    expect(everything(error)).not.toContain(newest);

    // A token seen again is not added twice.
    const list = ["a-fixed-token"];
    for (let i = 0; i < 40; i++) rememberSecret(list, "a-fixed-token");
    expect(list).toEqual(["a-fixed-token"]);
  });
});
