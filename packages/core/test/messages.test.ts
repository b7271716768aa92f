import { describe, expect, it } from "vitest";
import { describedProvider } from "../src/described/index.js";
import {
  assertRef,
  createOperationReader,
  createProviderClient,
  OpwatchError,
  refFromUrl,
  refUnrecognized,
} from "../src/index.js";
import { acme } from "./acme.js";

const description = acme({
  server: "https://{region}.acme.test",
  job: { format: "uuid", pattern: "^[0-9a-f-]+$" },
  adapter: { errorBody: { code: "/code", message: "/message" }, redirects: { "303": "succeeded" } },
});
const ID = "75aab8db-8632-42b4-af2f-06b5820798ef";
const TOKEN = "secret-token-9f8e7d6c";

/** What the server said is quoted as is; everything around it must be one sentence with one full stop. */
function checkOne(message: string, serverText = ""): void {
  const said = serverText ? message.split(serverText.replace(/\s+/g, " ").trim()).join("…") : message;
  const ours = said.replace(/"(?:[^"\\]|\\.)*"/g, '"…"'); // quoted values (ids, URLs) are the caller's
  expect(ours, message).not.toMatch(/\.\./);
  expect(ours, message).not.toMatch(/[.!?] +[A-Za-z]/);
  expect(message, message).toMatch(/[.!?…]$/);
}

async function errorOf(promise: Promise<unknown>): Promise<OpwatchError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(OpwatchError);
  return error as OpwatchError;
}

describe("error messages", () => {
  it("are one sentence with one full stop, whatever the server said", async () => {
    const said = ["Not found.", "Not found", "Task not found. Try again.", "Wait...", "", "  two\n lines  ", "Failed!"];
    let checked = 0;
    for (const status of [400, 401, 403, 404, 408, 409, 422, 429, 500, 502, 503]) {
      for (const message of said) {
        for (const code of [undefined, "E_CODE"]) {
          for (const asJson of [true, false]) {
            const body = asJson ? JSON.stringify({ code, message }) : message;
            const reader = createOperationReader(describedProvider(description), {
              token: TOKEN,
              fetch: async () => new Response(body, { status, headers: { "retry-after": "2" } }),
            });
            const error = await errorOf(reader.getOperation(ID));
            checkOne(error.message, message);
            checked++;
          }
        }
      }
    }
    expect(checked).toBe(11 * 7 * 2 * 2);
  });

  it("name the option or header involved, one sentence each, for bad input and bad answers", async () => {
    const messages: string[] = [];
    const collect = async (thunk: () => unknown) => {
      try {
        await thunk();
      } catch (error) {
        expect(error).toBeInstanceOf(OpwatchError);
        messages.push((error as Error).message);
        return;
      }
      throw new Error("expected a failure");
    };
    const answer = (response: () => Response) =>
      createOperationReader(describedProvider(description), { token: TOKEN, fetch: async () => response() });
    await collect(() => createOperationReader(describedProvider(description), { token: "" }));
    await collect(() => createOperationReader(describedProvider(description), { token: TOKEN, timeoutMs: -1 }));
    await collect(() => createOperationReader(describedProvider(description), { token: TOKEN, baseUrl: "ftp://x" }));
    await collect(() =>
      createOperationReader(describedProvider(description), { token: TOKEN, variables: { region: "mars" } }),
    );
    await collect(() => createProviderClient(describedProvider(description), null as never));
    for (const id of ["", "..", "not-a-uuid", "ÿ".repeat(300)])
      await collect(() => answer(() => new Response()).getOperation(id));
    await collect(() => answer(() => new Response()).getOperation(ID, { endpoint: "nope" }));
    await collect(() => answer(() => new Response("<html>", { status: 200 })).getOperation(ID));
    await collect(() =>
      answer(() => new Response("", { status: 200, headers: { "content-type": "x" } })).getOperation(ID),
    );
    await collect(() => answer(() => new Response(null, { status: 302 })).getOperation(ID));
    await collect(() =>
      answer(() => new Response(null, { status: 302, headers: { location: "https://elsewhere.test/" } })).getOperation(
        ID,
      ),
    );
    await collect(() =>
      createOperationReader(describedProvider(description), {
        token: TOKEN,
        timeoutMs: 5,
        fetch: () => new Promise(() => undefined),
      }).getOperation(ID),
    );
    await collect(() => answer(() => new Response()).getOperation(ID, { deadline: Date.now() - 1 }));
    await collect(() =>
      createOperationReader(describedProvider(description), {
        token: TOKEN,
        fetch: async () => {
          throw new TypeError("fetch failed.");
        },
      }).getOperation(ID),
    );
    await collect(() => assertRef({ provider: "acme" }));
    await collect(() =>
      assertRef(
        { provider: "acme", endpoint: "getJob", params: { job: "x" }, baseUrl: "https://eu.acme.test" },
        describedProvider(description),
      ),
    );
    await collect(() => refFromUrl(describedProvider(description), "https://eu.acme.test/jobs/%E0%A4%A"));
    await collect(() => {
      throw refUnrecognized("https://x.test/", ["acme"]);
    });
    expect(messages).toHaveLength(21);
    if (process.env.SHOW_MESSAGES) console.log(messages.join("\n"));
    for (const message of messages) checkOne(message);
    expect(messages.join("\n")).toMatch(/token option/);
    expect(messages.join("\n")).toMatch(/timeoutMs option/);
    expect(messages.join("\n")).toMatch(/baseUrl option/);
    expect(messages.join("\n")).toMatch(/ReadOptions\.deadline/);
  });
});
