// A server variable (ECL's `region`) given both as the option named like it and in `variables`: the typed
// client (clientFactory, createProviderClient) and the lean reader (createOperationReader, what the facade
// registers) read it in one place, so they reach the same base URL; the named option wins.
import { describe, expect, it } from "vitest";
import { describedProvider } from "../src/described/index.js";
import { clientFactory, createOperationReader, createProviderClient, type ProviderClientBase } from "../src/index.js";
import { acme } from "./acme.js";

const description = acme({ server: "https://{region}.acme.test" });
const TOKEN = "secret-token-9f8e7d6c";

function recording() {
  const urls: string[] = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    urls.push(new Request(input, init).url);
    return new Response(JSON.stringify({ id: "j1", state: "DONE" }), { status: 200 });
  };
  return { urls, fetch };
}

// biome-ignore lint/suspicious/noExplicitAny: the options as a caller outside TypeScript may pass them.
type AnyOptions = any;
const makers: [string, (options: AnyOptions) => ProviderClientBase][] = [
  [
    "the typed client (clientFactory)",
    (options) => clientFactory<ProviderClientBase, object>(describedProvider(description))(options),
  ],
  [
    "the typed client (createProviderClient)",
    (options) => createProviderClient(describedProvider(description), options),
  ],
  ["the reader (createOperationReader)", (options) => createOperationReader(describedProvider(description), options)],
];

const cases: [string, AnyOptions, string][] = [
  ["region and variables.region: the named option wins", { region: "us", variables: { region: "eu" } }, "us"],
  ["the same, the other way round", { region: "eu", variables: { region: "us" } }, "eu"],
  ["variables.region alone", { variables: { region: "us" } }, "us"],
  ["region alone", { region: "us" }, "us"],
  ["region: undefined counts as not given", { region: undefined, variables: { region: "us" } }, "us"],
  ["neither: the spec's default", {}, "eu"],
];

describe("server variables: one precedence for the typed client and the reader", () => {
  for (const [label, options, region] of cases) {
    it(`${label} → ${region}, in every client`, async () => {
      const reached = await Promise.all(
        makers.map(async ([name, make]) => {
          const { urls, fetch } = recording();
          const client = make({ token: TOKEN, fetch, ...options });
          await client.getOperation("j1");
          return [name, client.baseUrl, urls] as const;
        }),
      );
      expect(reached).toEqual(
        makers.map(([name]) => [name, `https://${region}.acme.test`, [`https://${region}.acme.test/jobs/j1`]]),
      );
    });
  }

  it("refuses a named option that is not a string (region: 1) with a ValidationError, as it refuses one in variables", () => {
    for (const [name, make] of makers) {
      for (const options of [{ region: 1 }, { variables: { region: 1 } }, { region: 1, variables: { region: "us" } }]) {
        expect(() => make({ token: TOKEN, ...options }), `${name} ${JSON.stringify(options)}`).toThrow(
          expect.objectContaining({
            name: "ValidationError",
            message: expect.stringMatching(/region must be one of eu, us, got 1/),
          }),
        );
      }
    }
  });

  it("checks the value that wins, and only that one, before any request", () => {
    for (const [, make] of makers) {
      expect(() => make({ token: TOKEN, region: "mars", variables: { region: "us" } })).toThrow(/mars/);
      expect(make({ token: TOKEN, region: "us", variables: { region: "mars" } }).baseUrl).toBe("https://us.acme.test");
    }
  });
});
