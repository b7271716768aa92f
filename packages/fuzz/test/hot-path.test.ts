// What the read path remembers between reads (a checked ref object or status URL, each timestamp field's
// last text, the last status word) gives the answers a first read gives, whatever changes in between.
import { parseTimestamp, stateOf, toOperationStatus } from "@opwatch/core";
import fc from "fast-check";
import { createWatcher, type OperationRef, register } from "opwatch";
import { describe, expect, it } from "vitest";
import { idValue } from "../src/arbitraries.js";
import { BASE_URL, TOKEN } from "../src/exchange.js";
import { providers } from "../src/index.js";

const runs = { numRuns: Number(process.env.FUZZ_RUNS ?? 100), seed: 20261126 };

type Change = (ref: Record<string, unknown>) => void;

describe.each(providers)("$name: a ref changed between reads", (p) => {
  const names = [...Object.keys(p.validParams), "extra"];
  const watcherWithLog = () => {
    const urls: string[] = [];
    const fetch: typeof globalThis.fetch = async (input) => {
      urls.push(String(input));
      return new Response(JSON.stringify(p.examples[0]), {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    };
    return {
      urls,
      watcher: createWatcher({ providers: [register(p.module, { token: TOKEN, baseUrl: BASE_URL, fetch })] }),
    };
  };
  const params = (ref: Record<string, unknown>) => ref.params as Record<string, unknown>;
  const change: fc.Arbitrary<Change> = fc.oneof(
    fc
      .tuple(
        fc.constantFrom(...names),
        fc.oneof(idValue, fc.constantFrom(...Object.values(p.validParams)), fc.integer()),
      )
      .map(
        ([name, value]): Change =>
          (ref) => {
            params(ref)[name] = value;
          },
      ),
    fc.constantFrom(...names).map(
      (name): Change =>
        (ref) => {
          delete params(ref)[name];
        },
    ),
    fc.constant<Change>((ref) => {
      ref.params = { ...params(ref) };
    }),
    fc.constant<Change>((ref) => {
      ref.params = { ...p.validParams };
    }),
    fc.constantFrom(BASE_URL, "https://collector.evil.example", "not a url").map(
      (url): Change =>
        (ref) => {
          ref.baseUrl = url;
        },
    ),
    fc.constantFrom(p.description.defaultEndpoint, ...Object.keys(p.description.endpoints), "nope").map(
      (endpoint): Change =>
        (ref) => {
          ref.endpoint = endpoint;
        },
    ),
    fc.constantFrom(p.name, "nobody").map(
      (provider): Change =>
        (ref) => {
          ref.provider = provider;
        },
    ),
  );

  it("reads (or refuses) each version of the ref as a fresh copy of it would be", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(change, { maxLength: 12 }), async (changes) => {
        const mine = watcherWithLog();
        const fresh = watcherWithLog();
        const ref: Record<string, unknown> = {
          provider: p.name,
          endpoint: p.description.defaultEndpoint,
          params: { ...p.validParams },
          baseUrl: BASE_URL,
        };
        const outcome = (promise: Promise<unknown>) =>
          promise.then(
            (status) => ({ status }),
            (error: unknown) => ({ error: String(error) }),
          );
        for (const apply of [() => undefined, ...changes]) {
          apply(ref);
          const got = await outcome(mine.watcher.get(ref as unknown as OperationRef));
          const expected = await outcome(fresh.watcher.get(structuredClone(ref) as unknown as OperationRef));
          expect(got).toEqual(expected);
          expect(mine.urls).toEqual(fresh.urls);
          const copy = (() => {
            try {
              return mine.watcher.ref(ref as unknown as OperationRef);
            } catch (error) {
              return String(error);
            }
          })();
          if (typeof copy !== "string")
            expect(copy).toEqual(fresh.watcher.ref(structuredClone(ref) as unknown as OperationRef));
        }
      }),
      runs,
    );
  });
});

describe.each(providers)("$name: statuses read again and again", (p) => {
  const adapter = p.description.adapter;
  const words = Object.keys(adapter.status.map ?? {});
  const word = fc.oneof(
    fc.constantFrom(...(words.length ? words : ["x"])),
    fc.constantFrom(...(words.length ? words : ["x"])).map((w) => ` ${w.toUpperCase()}`),
    fc.constantFrom(...(words.length ? words : ["x"])).map((w) => w.toLowerCase()),
    fc.string({ maxLength: 8 }),
    fc.constantFrom(undefined, null, 3, true),
  );
  const stamp = fc.oneof(
    fc
      .date({ min: new Date("1990-01-01"), max: new Date("2100-01-01"), noInvalidDate: true })
      .map((d) => d.toISOString()),
    fc.constantFrom(
      "2026-01-01T00:00:00Z",
      "2026-01-01 00:00:00",
      "2026/01/01 00:00:01",
      "2026-13-01 00:00:00",
      "2026-01-01T00:00:00+09:00",
      "",
      "yesterday",
    ),
    fc.constantFrom(undefined, null, 0),
  );
  const put = (body: Record<string, unknown>, pointer: string | undefined, value: unknown) => {
    if (pointer === undefined) return;
    const keys = pointer.slice(1).split("/");
    let node = body;
    for (const key of keys.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys.at(-1) as string] = value;
  };

  it("maps each word and parses each timestamp as a first read would", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(word, stamp, stamp), { minLength: 1, maxLength: 20 }), (reads) => {
        for (const [w, created, updated] of reads) {
          const body: Record<string, unknown> = {};
          put(body, adapter.status.pointer, w);
          // The generated providers' timestamps are text pointers.
          put(body, adapter.createdAt as string | undefined, created);
          put(body, adapter.updatedAt as string | undefined, updated);
          const snapshot = {
            endpoint: p.description.defaultEndpoint,
            params: {},
            httpStatus: 200,
            body,
            notModified: false,
          };
          const status = toOperationStatus(p.description, snapshot, BASE_URL);
          const fresh = stateOf(structuredClone(adapter.status), body);
          expect(status.state).toBe(fresh.state);
          if (adapter.createdAt !== undefined) expect(status.createdAt).toEqual(parseTimestamp(created));
          if (adapter.updatedAt !== undefined) expect(status.updatedAt).toEqual(parseTimestamp(updated));
        }
      }),
      runs,
    );
  });
});
