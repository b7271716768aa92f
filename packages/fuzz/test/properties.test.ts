// Property-based and fault-injection tests, for every provider. `pnpm test` runs a seed-pinned slice;
// `pnpm fuzz` (FUZZ_RUNS=10000, a fresh seed unless FUZZ_SEED is set) runs the campaign.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bodyOf, fault, headersOf, paramsOf, statusCode } from "../src/arbitraries.js";
import { BASE_URL, check, type Exchange } from "../src/exchange.js";
import { providers } from "../src/index.js";

const runs = Number(process.env.FUZZ_RUNS ?? 150);
const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : process.env.FUZZ_RUNS ? Date.now() : 20261126;

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on("unhandledRejection", onUnhandled);
});
afterAll(() => {
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
});

describe.each(providers)("$name under fuzzed input and answers", (p) => {
  it(`turns every exchange into a status or a typed OpwatchError (${runs} runs, seed ${seed})`, async () => {
    const exchange: fc.Arbitrary<Exchange> = fc.record({
      via: fc.oneof(
        { weight: 4, arbitrary: fc.constant("client" as const) },
        { weight: 1, arbitrary: fc.constant("facade" as const) },
      ),
      params: paramsOf(p),
      status: statusCode,
      body: bodyOf(p),
      headers: headersOf(BASE_URL),
      fault,
      ifNoneMatch: fc.option(fc.constantFrom('"v1"', "*", 'W/"x"'), { nil: undefined }),
    });
    let count = 0;
    await fc.assert(
      fc.asyncProperty(exchange, async (x) => {
        count++;
        await check(p, x);
      }),
      { numRuns: runs, seed, endOnFailure: true },
    );
    expect(count).toBeGreaterThanOrEqual(runs);
  });
});
