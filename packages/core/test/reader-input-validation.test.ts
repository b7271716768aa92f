// bad input to the reader and the typed client is a typed error
// before any request: a signal that is not an AbortSignal, a token no HTTP header can carry.
import { describe, expect, it } from "vitest";
import { describedProvider } from "../src/described/index.js";
import {
  createOperationReader,
  createProviderClient,
  OpwatchError,
  type ProviderDescription,
  ValidationError,
} from "../src/index.js";
import { acme } from "./acme.js";

const BAD_TOKENS = ["tok_from_file_9d8c7b\n", "tok_9d8c7b\r\nX-Evil: 1", "tok_9d8c\u00007b", "tok_9d8c7b\u20ac"];
const descriptions: ProviderDescription[] = [acme(), acme({ auth: { type: "header", name: "X-Auth-Token" } })];

/** A fetch that records calls and answers a done job. */
function recorder() {
  const calls: string[] = [];
  const fetch = async (input: RequestInfo | URL) => {
    calls.push(String(input instanceof Request ? input.url : input));
    return new Response(JSON.stringify({ id: "j1", state: "DONE" }), { status: 200 });
  };
  return { calls, fetch };
}

describe.each(descriptions)("bad input ($auth.type auth)", (description) => {
  it("a signal that is not an AbortSignal is a ValidationError, nothing sent", async () => {
    const { calls, fetch } = recorder();
    const reader = createOperationReader(describedProvider(description), { token: "tok_good_123456", fetch });
    for (const signal of [{}, "abort", { aborted: false }, null]) {
      await expect(reader.getOperation("j1", { signal } as never)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(calls).toEqual([]);
  });

  it("a token with a line break, a control character or a character above U+00FF is refused up front", async () => {
    const { calls, fetch } = recorder();
    for (const token of BAD_TOKENS) {
      for (const make of [createOperationReader, createProviderClient]) {
        let error: unknown;
        try {
          make(describedProvider(description), { token, fetch });
        } catch (thrown) {
          error = thrown;
        }
        expect(error, JSON.stringify(token)).toBeInstanceOf(ValidationError);
        expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain("9d8c"); // a part of every bad token: JSON and inspect escape the rest
      }
      const reader = createOperationReader(describedProvider(description), { token: () => token, fetch });
      const error = await reader.getOperation("j1").catch((e: unknown) => e);
      expect(error, JSON.stringify(token)).toBeInstanceOf(OpwatchError);
      expect((error as OpwatchError).retryable).toBe(false);
      expect(`${String(error)} ${JSON.stringify(error)}`).not.toContain("9d8c"); // a part of every bad token: JSON and inspect escape the rest
    }
    expect(calls).toEqual([]);
  });

  it("Latin-1 tokens and inner spaces still work", async () => {
    const { calls, fetch } = recorder();
    for (const token of ["tök_123456", "two words"]) {
      await createOperationReader(describedProvider(description), { token, fetch }).getOperation("j1");
    }
    expect(calls).toHaveLength(2);
  });
});
