// fast-check arbitraries for what a provider may send back and what a caller may pass in.
import fc from "fast-check";
import type { ProviderCase } from "./providers.js";

/** Ids as callers get them wrong: any Unicode, reserved characters, dot segments, empty, very long. */
export const idValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: "grapheme" }),
  fc.constantFrom("", ".", "..", "%2e%2e", "../../admin", "a/b", "a?b#c", "id:x", " ", "\u0000", "\ud800", "%", "%zz"),
  fc.nat({ max: 20_000 }).map((n) => "é".repeat(n)),
  fc.uuid(),
);

/** What `getOperation` receives: valid params, params with bad ids, a bare string, or any value at all. */
export function paramsOf(p: ProviderCase): fc.Arbitrary<unknown> {
  const names = Object.keys(p.validParams);
  const record = fc.record(Object.fromEntries(names.map((n) => [n, fc.oneof(idValue, fc.constant(p.validParams[n]))])));
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(p.validParams) },
    { weight: 4, arbitrary: record },
    { weight: 1, arbitrary: idValue },
    { weight: 1, arbitrary: fc.anything() },
  );
}

/** A JSON value with one place replaced by something of another type. */
function mutated(example: unknown): fc.Arbitrary<unknown> {
  return fc.tuple(fc.nat(), fc.jsonValue({ maxDepth: 2 })).map(([pick, replacement]) => {
    const copy = structuredClone(example) as unknown;
    const holders: [Record<string, unknown>, string][] = [];
    const walk = (node: unknown) => {
      if (node === null || typeof node !== "object") return;
      for (const key of Object.keys(node)) {
        holders.push([node as Record<string, unknown>, key]);
        walk((node as Record<string, unknown>)[key]);
      }
    };
    walk(copy);
    const holder = holders[pick % Math.max(1, holders.length)];
    if (!holder) return replacement;
    holder[0][holder[1]] = replacement;
    return copy;
  });
}

export type Body = { kind: "text"; text: string } | { kind: "bytes"; bytes: Uint8Array } | { kind: "none" };

/** 200 bodies: schema-valid, wrong types, huge, truncated, HTML, empty, random JSON and bytes. */
export function bodyOf(p: ProviderCase): fc.Arbitrary<Body> {
  const example = fc.constantFrom(...p.examples);
  const text = (arbitrary: fc.Arbitrary<string>) => arbitrary.map((t): Body => ({ kind: "text", text: t }));
  return fc.oneof(
    { weight: 5, arbitrary: text(example.map((e) => JSON.stringify(e))) },
    { weight: 4, arbitrary: text(example.chain(mutated).map((e) => JSON.stringify(e) ?? "")) },
    {
      weight: 2,
      arbitrary: text(
        fc.tuple(example, fc.nat()).map(([e, n]) => {
          const full = JSON.stringify(e);
          return full.slice(0, n % full.length);
        }),
      ),
    },
    {
      weight: 1,
      arbitrary: text(example.map((e) => JSON.stringify({ ...(e as object), padding: "x".repeat(2_000_000) }))),
    },
    {
      weight: 1,
      arbitrary: text(
        fc.constantFrom("<!doctype html><html><body>Sign in</body></html>", "", "null", "[]", "42", '"s"'),
      ),
    },
    { weight: 2, arbitrary: text(fc.jsonValue().map((v) => JSON.stringify(v))) },
    { weight: 1, arbitrary: text(fc.string({ unit: "binary" })) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes): Body => ({ kind: "bytes", bytes })) },
    { weight: 1, arbitrary: fc.constant<Body>({ kind: "none" }) },
  );
}

/** Header values as servers garble them (kept to what `Headers` can hold). */
const headerText = fc.string({ unit: "binary", maxLength: 60 }).map((s) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, "?"));

export function headersOf(baseUrl: string): fc.Arbitrary<Record<string, string>> {
  return fc.record(
    {
      "content-type": fc.oneof(
        fc.constantFrom(
          "application/json",
          "application/vnd.bentley.itwin-platform.v1+json",
          "text/html",
          "application/json; charset=utf-16",
        ),
        headerText,
      ),
      "retry-after": fc.oneof(
        fc.integer({ min: -10, max: 100_000 }).map(String),
        fc.date({ noInvalidDate: true }).map((d) => d.toUTCString()),
        fc.constantFrom("1e309", "NaN", "0x10", "  5  ", "Fri, 31 Dec 9999 23:59:59 GMT"),
        headerText,
      ),
      etag: fc.oneof(fc.constantFrom('"v1"', 'W/"v2"', ""), headerText),
      location: fc.oneof(
        fc.constantFrom(
          `${baseUrl}/elsewhere`,
          "/same/origin",
          "relative",
          "//evil.test/x",
          "https://evil.test/",
          "javascript:x",
          "http://[::1",
        ),
        fc.webUrl(),
        headerText,
      ),
      "x-request-id": headerText,
    },
    { requiredKeys: [] },
  );
}

export const statusCode: fc.Arbitrary<number> = fc.oneof(
  { weight: 6, arbitrary: fc.constant(200) },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      201,
      202,
      204,
      301,
      302,
      303,
      304,
      307,
      308,
      400,
      401,
      403,
      404,
      408,
      409,
      422,
      429,
      500,
      502,
      503,
      504,
    ),
  },
  { weight: 1, arbitrary: fc.integer({ min: 200, max: 599 }) },
);

/** How the exchange fails below HTTP, if at all. */
export const fault = fc.oneof(
  { weight: 20, arbitrary: fc.constant("none" as const) },
  {
    weight: 1,
    arbitrary: fc.constantFrom("reject" as const, "body-error" as const, "hang" as const, "deadline" as const),
  },
);
