// The generic contract tests every generated package runs beside its examples (registered by specContract):
// error answers, authentication, validation before any request, the default server and the raw typed
// client, each driven by the provider's table (provider-table.ts) and run against Prism.
import { inspect } from "node:util";
import type { ProviderClientBase } from "@opwatch/core";
import { describe, expect, it } from "vitest";
import { answering, type Exchange, neverCalled, preferring } from "./fetches.js";
import type { PrismServer } from "./prism.js";
import { type ErrorCase, fillPath, freeFormParams, type ProviderTable } from "./provider-table.js";

/** A package's createClient: the normalized reads plus the raw typed openapi-fetch client. */
// biome-ignore lint/suspicious/noExplicitAny: each package's createClient has its own options and paths.
export type ContractClientFactory = (options: any) => ProviderClientBase & { GET(path: any, init?: any): Promise<any> };

/** A token that looks like none of the providers' real ones, so a leak cannot hide in a familiar shape. */
export const CONTRACT_TOKEN = "opwatch-contract-token-7f3a9c1e5b";

const caught = (promise: Promise<unknown>) =>
  promise.then(
    () => undefined,
    (error: unknown) => error,
  );

function expectNoToken(error: unknown, token: string): void {
  expect(String(error)).not.toContain(token);
  expect(JSON.stringify(error)).not.toContain(token);
  expect(inspect(error)).not.toContain(token);
  if (error instanceof Error) expect(String(error.cause ?? "")).not.toContain(token);
}

function expectError(error: unknown, c: ErrorCase, provider: string): void {
  expect((error as Error)?.name, String(error)).toBe(c.errorClass);
  expect(error).toMatchObject({
    provider,
    httpStatus: c.status,
    code: c.code,
    requestId: c.requestId,
    retryable: c.retryable,
    retryAfter: c.retryAfter,
  });
}

const describeCase = (c: ErrorCase) =>
  `${c.response === "default" ? `default response as ${c.status}` : c.status}${c.example ? ` example "${c.example}"` : ""}`;

/** Registers the generic contract tests of one provider against the Prism that `prism()` returns. */
export function providerContractSuite(
  table: ProviderTable,
  createClient: ContractClientFactory,
  prism: () => PrismServer,
) {
  const { provider, params } = table;
  const token = CONTRACT_TOKEN;
  const client = (fetch: typeof globalThis.fetch, baseUrl?: string) =>
    createClient({ token, fetch, ...(baseUrl === undefined ? {} : { baseUrl }) });
  const withoutToken: typeof fetch = async (input, init) => {
    const request = new Request(input, init);
    request.headers.delete(table.auth.header);
    return fetch(request);
  };
  const names = table.pathParams.map((p) => p.name);

  describe(`${provider}: error answers (each documented error response's named examples)`, () => {
    for (const c of table.errors) {
      it(`${provider}: ${describeCase(c)} → ${c.errorClass} with the body's code, message and request id`, async () => {
        const seen: Exchange[] = [];
        const prefer = `code=${c.status}${c.example ? `, example=${c.example}` : ""}`;
        const error = await caught(client(preferring(prefer, seen), prism().url).getOperation(params));
        expect(seen.map((e) => e.response.status)).toEqual([c.status]);
        expectError(error, c, provider);
        const said = `${table.displayName} answered ${c.status}${c.code ? ` ${c.code}` : ""}`;
        expect((error as Error).message).toContain(c.message ? `${said}: ${c.message}` : said);
        if (c.retryAfter !== undefined) {
          expect(seen[0]?.response.headers.get("retry-after")).toBe(String(c.retryAfter));
          expect((error as Error).message).toContain(`Wait ${c.retryAfter} s`);
        }
        expectNoToken(error, token);
      });
    }

    const first = table.errors.find((c) => c.example !== undefined);
    if (first) {
      it(`${provider}: the raw typed client returns the ${describeCase(first)} error body`, async () => {
        const prefer = `code=${first.status}, example=${first.example}`;
        const { data, error, response } = await client(preferring(prefer), prism().url).GET(table.path, {
          params: { path: params },
        });
        expect(response.status).toBe(first.status);
        expect(data).toBeUndefined();
        expect(error).toEqual(first.body);
      });
    }

    for (const [label, answer] of [
      [
        "a plain-text body",
        () => new Response("Service Unavailable", { headers: { "content-type": "text/plain" }, status: 503 }),
      ],
      ["an empty body", () => new Response(null, { status: 503 })],
    ] as const) {
      it(`${provider}: a 503 with ${label} (no error object) → ServerError, no crash`, async () => {
        const error = await caught(client(answering(answer)).getOperation(params));
        expect((error as Error)?.name).toBe("ServerError");
        expect(error).toMatchObject({ provider, httpStatus: 503, code: undefined, retryable: true });
        if (label === "a plain-text body") expect((error as Error).message).toContain("Service Unavailable");
      });
    }
  });

  describe(`${provider}: authentication (${table.auth.header})`, () => {
    it(`${provider}: is refused without ${table.auth.header}: Prism answers 401 and the client throws AuthError`, async () => {
      const seen: Exchange[] = [];
      const error = await caught(client(preferring(undefined, seen), prism().url).getOperation(params));
      expect(seen).toHaveLength(1);
      const refused = await caught(client(withoutToken, prism().url).getOperation(params));
      expect((refused as Error)?.name, String(refused)).toBe("AuthError");
      expect(refused).toMatchObject({ provider, httpStatus: 401, retryable: false });
      if (table.unauthorized?.example) {
        expect(refused).toMatchObject({ code: table.unauthorized.code, requestId: table.unauthorized.requestId });
        if (table.unauthorized.message) expect((refused as Error).message).toContain(table.unauthorized.message);
      }
      expectNoToken(refused, token);
      expect(error).toBeUndefined();
    });

    it(`${provider}: sends the token as ${table.auth.header}: ${table.auth.value("<token>")} with Accept ${table.accept}`, async () => {
      const seen: Exchange[] = [];
      const snapshot = await client(
        preferring(`code=200, example=${table.okExample.name}`, seen),
        prism().url,
      ).getOperation(params);
      expect(snapshot.httpStatus).toBe(200);
      expect(seen).toHaveLength(1);
      expect(seen[0]?.headers.get(table.auth.header)).toBe(table.auth.value(token));
      if (table.auth.header !== "Authorization") expect(seen[0]?.headers.has("Authorization")).toBe(false);
      expect(seen[0]?.headers.get("Accept")).toBe(table.accept);
    });

    for (const c of table.errors.filter((e) => e.status === 401 || e.status === 404)) {
      it(`${provider}: keeps the token out of the ${describeCase(c)} error (message, JSON, inspect)`, async () => {
        const seen: Exchange[] = [];
        const prefer = `code=${c.status}${c.example ? `, example=${c.example}` : ""}`;
        const error = await caught(client(preferring(prefer, seen), prism().url).getOperation(params));
        expect(seen.map((e) => e.headers.get(table.auth.header))).toEqual([table.auth.value(token)]);
        expect((error as Error)?.name).toBe(c.errorClass);
        expectNoToken(error, token);
      });
    }

    it(`${provider}: redacts the token even when a failing fetch puts it in its own message`, async () => {
      const error = await caught(
        client(async (input, init) => {
          const request = new Request(input, init);
          throw new TypeError(`connection reset (${request.headers.get(table.auth.header)})`);
        }).getOperation(params),
      );
      expect((error as Error)?.name).toBe("NetworkError");
      expect(error).toMatchObject({ provider, retryable: true });
      expect((error as Error).message).toContain(`connection reset (${table.auth.value("[REDACTED]")})`);
      expectNoToken(error, token);
    });
  });

  describe(`${provider}: validation before any request`, () => {
    const refuses = async (ids: unknown, message?: RegExp) => {
      const error = await caught(client(neverCalled).getOperation(ids as never));
      expect((error as Error)?.name, `${JSON.stringify(ids)}: ${String(error)}`).toBe("ValidationError");
      expect(error).toMatchObject({ provider });
      if (message) expect((error as Error).message).toMatch(message);
    };
    for (const param of table.pathParams) {
      const string = (param.type ?? "string") === "string";
      it(`${provider}: rejects an empty ${param.name}`, async () => {
        await refuses(
          { ...params, [param.name]: "" },
          string ? new RegExp(`"${param.name}" must not be empty`) : undefined,
        );
      });
      it(`${provider}: rejects a missing ${param.name}`, async () => {
        const { [param.name]: _, ...rest } = params;
        await refuses(rest, new RegExp(`"${param.name}" must be a`));
      });
      it(`${provider}: rejects a value of ${param.name} that a URL parser would resolve away ("." and "..")`, async () => {
        await refuses({ ...params, [param.name]: "." });
        await refuses({ ...params, [param.name]: ".." });
      });
    }
    if (names.length === 1) {
      it(`${provider}: takes a bare string for ${names[0]} and checks it the same way`, async () => {
        await refuses("", /must not be empty/);
        await refuses("..");
      });
    } else {
      it(`${provider}: rejects a bare string: ${names.join(" and ")} are all needed`, async () => {
        await refuses(String(Object.values(params)[0]), new RegExp(names.join(" and ")));
      });
    }
    it(`${provider}: rejects a missing token, a bad base URL and an unknown endpoint`, async () => {
      expect(() => createClient({ token: "" })).toThrow(expect.objectContaining({ name: "ValidationError" }));
      expect(() => createClient({})).toThrow(expect.objectContaining({ name: "ValidationError" }));
      for (const baseUrl of ["api.example.com", "ftp://x"]) {
        expect(() => createClient({ token, baseUrl })).toThrow(/absolute http\(s\) URL/);
      }
      const error = await caught(client(neverCalled).getOperation(params, { endpoint: "getNothing" }));
      expect((error as Error)?.name).toBe("ValidationError");
      expect((error as Error).message).toMatch(/unknown endpoint/);
    });
  });

  describe(`${provider}: servers and the raw typed client`, () => {
    it(`${provider}: defaults to the spec's server ${table.defaultServer} and sends requests there`, async () => {
      const seen: Exchange[] = [];
      const json = () =>
        new Response(JSON.stringify(table.okExample.body), { headers: { "content-type": table.accept } });
      const c = client(answering(json, seen));
      expect(c.baseUrl).toBe(table.defaultServer);
      expect(createClient({ token }).baseUrl).toBe(table.defaultServer);
      await c.getOperation(params);
      expect(seen.map((e) => e.url)).toEqual([`${table.defaultServer}${fillPath(table.path, params)}`]);
    });

    it(`${provider}: lets baseUrl (trailing slash trimmed) point at Prism`, async () => {
      const seen: Exchange[] = [];
      const c = client(preferring(`code=200, example=${table.okExample.name}`, seen), `${prism().url}/`);
      expect(c.baseUrl).toBe(prism().url);
      const snapshot = await c.getOperation(params);
      expect(snapshot).toMatchObject({ httpStatus: 200, endpoint: table.endpoint, params });
      expect(snapshot.body).toEqual(table.okExample.body);
      expect(seen.map((e) => e.url)).toEqual([`${prism().url}${fillPath(table.path, params)}`]);
    });

    const free = freeFormParams(table);
    if (free.length > 0) {
      it(`${provider}: sends ${free.map((p) => p.name).join(", ")} with reserved characters percent-encoded, one segment each (Prism routes them)`, async () => {
        const seen: Exchange[] = [];
        const c = client(preferring(`code=200, example=${table.okExample.name}`, seen), prism().url);
        const values = ["a/b?c#d", "../x", "with spaces", "t%2F1", "zöne&=+;,"];
        const sent = values.map((value) => ({ ...params, ...Object.fromEntries(free.map((p) => [p.name, value])) }));
        for (const ids of sent) {
          const snapshot = await c.getOperation(ids);
          expect(snapshot.httpStatus).toBe(200);
          expect(snapshot.params).toEqual(ids);
        }
        expect(seen.map((e) => e.url)).toEqual(sent.map((ids) => `${prism().url}${fillPath(table.path, ids)}`));
        const segments = table.path.split("/").length;
        for (const e of seen) expect(new URL(e.url).pathname.split("/")).toHaveLength(segments);
      });
    }

    it(`${provider}: the raw typed client drives GET ${table.path} against Prism`, async () => {
      const seen: Exchange[] = [];
      const { data, error, response } = await client(
        preferring(`code=200, example=${table.okExample.name}`, seen),
        prism().url,
      ).GET(table.path, { params: { path: params }, headers: { Accept: table.accept } });
      expect(error).toBeUndefined();
      expect(response.status).toBe(200);
      expect(data).toEqual(table.okExample.body);
      expect(seen.map((e) => [e.url, e.headers.get(table.auth.header)])).toEqual([
        [`${prism().url}${fillPath(table.path, params)}`, table.auth.value(token)],
      ]);
    });
  });
}
