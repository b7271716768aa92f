import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { describedProvider } from "../src/described/index.js";
import { createOperationReader, createProviderClient, ValidationError } from "../src/index.js";
import { acme } from "./acme.js";
import { serve } from "./loopback.js";

const USERNAME = "AC0123456789abcdef0123456789abcdef";
const PASSWORD = "auth-token-5f4dcc3b5aa765d6";
const TOKEN = `${USERNAME}:${PASSWORD}`;
const ENCODED = Buffer.from(TOKEN, "utf8").toString("base64");
const provider = () => describedProvider(acme({ auth: { type: "basic" } }));

/** Everything a user or a logger could print of an error, its cause chain included. */
function everything(error: unknown): string {
  const parts: string[] = [];
  for (let e: unknown = error, depth = 0; e !== undefined && depth < 10; depth++) {
    const err = e as Error;
    parts.push(String(err), String(err.stack), JSON.stringify(err) ?? "", inspect(err, { depth: 10 }));
    e = err.cause;
  }
  return parts.join("\n");
}

function expectNoSecret(text: string): void {
  for (const secret of [TOKEN, USERNAME, PASSWORD, ENCODED]) expect(text).not.toContain(secret);
}

describe("HTTP Basic auth", () => {
  it("sends Authorization: Basic and the base64 of the token's UTF-8 bytes, from a string or a function", async () => {
    const seen: (string | undefined)[] = [];
    const baseUrl = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "1", state: "DONE" }));
    });
    for (const token of [TOKEN, async () => TOKEN, "usér:pässword"]) {
      const reader = createOperationReader(provider(), { token, baseUrl });
      expect((await reader.getOperation("1")).body).toEqual({ id: "1", state: "DONE" });
    }
    expect(seen).toEqual([
      `Basic ${ENCODED}`,
      `Basic ${ENCODED}`,
      `Basic ${Buffer.from("usér:pässword", "utf8").toString("base64")}`,
    ]);
  });

  it("the typed client sends the same header", async () => {
    const seen: (string | undefined)[] = [];
    const baseUrl = await serve((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
    const client = createProviderClient<Record<string, never>>(provider(), { token: TOKEN, baseUrl });
    // biome-ignore lint/suspicious/noExplicitAny: the made-up provider has no typed paths.
    await (client as any).GET("/jobs/1");
    expect(seen).toEqual([`Basic ${ENCODED}`]);
  });

  it("refuses a token without a colon, or with a line break, before any request, saying to pass username:password", async () => {
    let requests = 0;
    const fetch = async () => {
      requests++;
      return new Response("{}");
    };
    expect(() => createOperationReader(provider(), { token: "just-an-api-key", fetch })).toThrow(ValidationError);
    expect(() => createOperationReader(provider(), { token: "just-an-api-key", fetch })).toThrow(
      /"username:password".*without a colon/,
    );
    expect(() => createOperationReader(provider(), { token: ":password-only", fetch })).toThrow(/no username/);
    expect(() => createOperationReader(provider(), { token: `${TOKEN}\n`, fetch })).toThrow(ValidationError);
    const fromFunction = createOperationReader(provider(), { token: () => "no-colon-here", fetch });
    await expect(fromFunction.getOperation("1")).rejects.toThrow(/"username:password"/);
    expect(requests).toBe(0);
  });

  it("keeps the token, its username, its password and its base64 form out of an error whose body echoes the header", async () => {
    const baseUrl = await serve((req, res) => {
      const echoed = `${req.headers.authorization} = ${TOKEN} (user ${USERNAME}, password ${PASSWORD})`;
      res
        .writeHead(401, { "content-type": "application/json", "x-request-id": echoed })
        .end(JSON.stringify({ error: { code: echoed, message: echoed } }));
    });
    for (const token of [TOKEN, () => TOKEN]) {
      const reader = createOperationReader(
        describedProvider(
          acme({ auth: { type: "basic" }, adapter: { errorBody: { code: "/error/code", message: "/error/message" } } }),
        ),
        { token, baseUrl },
      );
      const error = await reader.getOperation("1").catch((e: unknown) => e);
      expect((error as Error).name).toBe("AuthError");
      expect(everything(error)).toContain("[REDACTED]");
      expectNoSecret(everything(error));
    }
  });

  it("keeps them out of the error of a redirect whose Location echoes the header", async () => {
    const baseUrl = await serve((req, res) => {
      const auth = encodeURIComponent(String(req.headers.authorization));
      res.writeHead(302, { location: `http://elsewhere.test/?auth=${auth}&b=${ENCODED}&p=${PASSWORD}` }).end();
    });
    const reader = createOperationReader(provider(), { token: TOKEN, baseUrl });
    const error = await reader.getOperation("1").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expectNoSecret(everything(error));
  });
});
