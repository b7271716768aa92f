// ref() refuses what get() refuses, with the same ValidationError, for every provider.
import { ValidationError } from "@opwatch/core";
import fc from "fast-check";
import { createWatcher, register } from "opwatch";
import { describe, expect, it } from "vitest";
import { idValue } from "../src/arbitraries.js";
import { BASE_URL, TOKEN } from "../src/exchange.js";
import { providers } from "../src/index.js";

describe.each(providers)("$name: ref() validates what get() validates", (p) => {
  const endpoint = p.description.endpoints[p.description.defaultEndpoint];
  const names = Object.keys(p.validParams);
  const fetch: typeof globalThis.fetch = async () => new Response(JSON.stringify(p.examples[0]), { status: 200 });
  const watcher = createWatcher({ providers: [register(p.module, { token: TOKEN, baseUrl: BASE_URL, fetch })] });

  it("refuses a ref object or status URL exactly when get() refuses its params, with the same message", async () => {
    await fc.assert(
      fc.asyncProperty(fc.record(Object.fromEntries(names.map((n) => [n, idValue]))), async (params) => {
        const ref = { provider: p.name, endpoint: p.description.defaultEndpoint, params, baseUrl: BASE_URL };
        const fromGet = await watcher.get(ref).then(
          () => undefined,
          (e: unknown) => e,
        );
        const fromRef = (() => {
          try {
            watcher.ref(ref);
            return undefined;
          } catch (e) {
            return e;
          }
        })();
        if (fromGet instanceof ValidationError) {
          expect(fromRef).toBeInstanceOf(ValidationError);
          expect((fromRef as Error).message).toBe(fromGet.message);
        } else {
          expect(fromRef).toBeUndefined();
        }
        // The same params inside a status URL: refused (or not recognized) rather than turned into a bad ref.
        let fromUrl: unknown;
        try {
          const path = (endpoint?.path ?? "").replace(/\{([^}]+)\}/g, (_, n: string) =>
            encodeURIComponent(params[n] ?? ""),
          );
          fromUrl = watcher.ref(`${BASE_URL}${path}`);
        } catch (e) {
          if (e instanceof URIError) return; // a lone surrogate cannot be put in a URL at all
          fromUrl = e;
        }
        if (fromGet instanceof ValidationError) expect(fromUrl).toBeInstanceOf(ValidationError);
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200), seed: 20261126 },
    );
  });
});
